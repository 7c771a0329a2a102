/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/*
 * Torch-free tests of image I/O and transforms (image.h) and of the dataset helpers
 * (dataset.h). Every input file is written to a per-test temporary folder.
 */
#include <semsteg/dataset.h>
#include <semsteg/error.h>
#include <semsteg/image.h>

#include <gtest/gtest.h>

// A private (static) copy of stb_image_write, to write grey, grey+alpha, RGBA and JPEG inputs
// that save_png (8-bit RGB only) cannot produce.
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace semsteg;

namespace {

class Files : public ::testing::Test
{
protected:
    fs::path dir;

    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir = fs::temp_directory_path()
            / ("semsteg_test_image_dataset_" + std::to_string(::getpid()) + "_"
               + info->test_suite_name() + "_" + info->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override
    {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    std::string path(const std::string& name) const { return (dir / name).string(); }

    std::string write_text(const std::string& name, const std::string& text) const
    {
        fs::create_directories((dir / name).parent_path());
        std::ofstream(path(name), std::ios::binary) << text;
        return path(name);
    }

    //! An RGB PNG via save_png (creating folders as needed).
    std::string write_png(const std::string& name, const image& img) const
    {
        fs::create_directories((dir / name).parent_path());
        save_png(path(name), img);
        return path(name);
    }
};

//! A w×h image whose pixels differ by position and channel (quantised to 1/255 steps).
image pattern(int w, int h, int seed = 0)
{
    image img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                img.at(x, y, c)
                    = static_cast<float>((x * 7 + y * 13 + c * 50 + seed * 31) % 256)
                    / 255.0f;
    return img;
}

image constant(int w, int h, float r, float g, float b)
{
    image img(w, h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            img.at(x, y, 0) = r;
            img.at(x, y, 1) = g;
            img.at(x, y, 2) = b;
        }
    return img;
}

float max_abs_diff(const image& a, const image& b)
{
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    float m = 0;
    for (size_t i = 0; i < std::min(a.rgb.size(), b.rgb.size()); ++i)
        m = std::max(m, std::abs(a.rgb[i] - b.rgb[i]));
    return m;
}

//! Expects `f` to throw semsteg::error whose message contains `needle`.
template <typename F>
void expect_error_naming(F&& f, const std::string& needle)
{
    try {
        f();
        ADD_FAILURE() << "expected semsteg::error mentioning '" << needle << "'";
    } catch (const semsteg::error& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)
            << "message '" << e.what() << "' does not name '" << needle << "'";
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Image files

using ImageFiles = Files;

TEST_F(ImageFiles, PngRoundTripWithin1Over255)
{
    image img(37, 23);
    for (size_t i = 0; i < img.rgb.size(); ++i)
        img.rgb[i] = static_cast<float>(std::fmod(i * 0.0137, 1.0)); // not on the 1/255 grid
    const auto file = write_png("round.png", img);
    const image back = load_image(file);
    ASSERT_EQ(back.width, 37);
    ASSERT_EQ(back.height, 23);
    ASSERT_EQ(back.rgb.size(), img.rgb.size());
    EXPECT_LE(max_abs_diff(img, back), 0.5f / 255.0f + 1e-6f);

    // Values on the 1/255 grid survive exactly; out-of-range values are clamped.
    const image p = pattern(16, 9);
    EXPECT_EQ(max_abs_diff(p, load_image(write_png("grid.png", p))), 0.0f);
    image wild = constant(2, 1, 0.5f, 0.5f, 0.5f);
    wild.at(0, 0, 0) = 1.7f;
    wild.at(1, 0, 2) = -0.3f;
    const image clamped = load_image(write_png("wild.png", wild));
    EXPECT_EQ(clamped.at(0, 0, 0), 1.0f);
    EXPECT_EQ(clamped.at(1, 0, 2), 0.0f);
}

TEST_F(ImageFiles, GreyBecomesRgb)
{
    const int w = 5, h = 4;
    std::vector<unsigned char> grey(w * h);
    for (size_t i = 0; i < grey.size(); ++i)
        grey[i] = static_cast<unsigned char>(i * 12);
    ASSERT_TRUE(stbi_write_png(path("grey.png").c_str(), w, h, 1, grey.data(), w));
    const image img = load_image(path("grey.png"));
    ASSERT_EQ(img.width, w);
    ASSERT_EQ(img.height, h);
    ASSERT_EQ(img.rgb.size(), static_cast<size_t>(w * h * 3));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                EXPECT_FLOAT_EQ(img.at(x, y, c), grey[y * w + x] / 255.0f);
}

TEST_F(ImageFiles, GreyAlphaBecomesRgb)
{
    const int w = 3, h = 2;
    std::vector<unsigned char> ga(w * h * 2);
    for (int i = 0; i < w * h; ++i) {
        ga[2 * i] = static_cast<unsigned char>(40 * i);
        ga[2 * i + 1] = static_cast<unsigned char>(255 - 30 * i); // alpha is dropped
    }
    ASSERT_TRUE(stbi_write_png(path("ga.png").c_str(), w, h, 2, ga.data(), w * 2));
    const image img = load_image(path("ga.png"));
    ASSERT_EQ(img.width, w);
    ASSERT_EQ(img.height, h);
    for (int i = 0; i < w * h; ++i)
        for (int c = 0; c < 3; ++c)
            EXPECT_FLOAT_EQ(img.rgb[i * 3 + c], ga[2 * i] / 255.0f);
}

TEST_F(ImageFiles, RgbaBecomesRgb)
{
    const int w = 4, h = 3;
    std::vector<unsigned char> rgba(w * h * 4);
    for (size_t i = 0; i < rgba.size(); ++i)
        rgba[i] = static_cast<unsigned char>((i * 37) % 256);
    ASSERT_TRUE(stbi_write_png(path("rgba.png").c_str(), w, h, 4, rgba.data(), w * 4));
    const image img = load_image(path("rgba.png"));
    ASSERT_EQ(img.width, w);
    ASSERT_EQ(img.height, h);
    ASSERT_EQ(img.rgb.size(), static_cast<size_t>(w * h * 3));
    for (int i = 0; i < w * h; ++i)
        for (int c = 0; c < 3; ++c)
            EXPECT_FLOAT_EQ(img.rgb[i * 3 + c], rgba[i * 4 + c] / 255.0f) << "pixel " << i;
}

TEST_F(ImageFiles, Jpeg)
{
    // Four flat 16×16 quadrants: JPEG keeps flat colours close at high quality.
    const int w = 32, h = 32;
    const unsigned char colours[4][3]
        = { { 200, 30, 30 }, { 30, 200, 30 }, { 30, 30, 200 }, { 128, 128, 128 } };
    std::vector<unsigned char> rgb(w * h * 3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            for (int c = 0; c < 3; ++c)
                rgb[(y * w + x) * 3 + c] = colours[(y / 16) * 2 + x / 16][c];
    ASSERT_TRUE(stbi_write_jpg(path("photo.JPG").c_str(), w, h, 3, rgb.data(), 95));
    const image img = load_image(path("photo.JPG"));
    ASSERT_EQ(img.width, w);
    ASSERT_EQ(img.height, h);
    for (int q = 0; q < 4; ++q) {
        const int cx = (q % 2) * 16 + 8, cy = (q / 2) * 16 + 8;
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(img.at(cx, cy, c), colours[q][c] / 255.0f, 0.04) << "quadrant " << q;
    }

    // A grey JPEG becomes RGB too.
    std::vector<unsigned char> grey(16 * 8, 90);
    ASSERT_TRUE(stbi_write_jpg(path("grey.jpeg").c_str(), 16, 8, 1, grey.data(), 95));
    const image g = load_image(path("grey.jpeg"));
    ASSERT_EQ(g.width, 16);
    ASSERT_EQ(g.height, 8);
    for (float v : g.rgb)
        EXPECT_NEAR(v, 90 / 255.0f, 0.02);
}

TEST_F(ImageFiles, DecodeFromMemoryMatchesLoad)
{
    const auto file = write_png("mem.png", pattern(12, 7));
    std::ifstream in(file, std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    ASSERT_FALSE(bytes.empty());
    const image a = decode_image(bytes.data(), bytes.size());
    const image b = load_image(file);
    EXPECT_EQ(a.width, 12);
    EXPECT_EQ(a.height, 7);
    EXPECT_EQ(a.rgb, b.rgb);
    EXPECT_THROW(decode_image(nullptr, 0), semsteg::error);
    EXPECT_THROW(decode_image(bytes.data(), 0), semsteg::error);
    EXPECT_THROW(decode_image(bytes.data(), 20), semsteg::error); // truncated
}

// Only PNG and JPEG are decoded: the input with which fuzzing crashed Debian's stb (a
// truncated 16-bit PGM, fuzz/corpus/image/pgm-crash) and other formats are refused by
// their first bytes, before stb sees them.
TEST_F(ImageFiles, OnlyPngAndJpegAreDecoded)
{
    const std::string pgm("P5110\n5110\n990\0", 15);
    const std::string bmp = "BM" + std::string(60, '\0');
    for (const auto& bytes : { pgm, bmp, std::string("GIF89a") + std::string(20, '\0') }) {
        try {
            decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
            ADD_FAILURE() << "decoded " << bytes.substr(0, 2);
        } catch (const semsteg::error& e) {
            EXPECT_NE(std::string(e.what()).find("not a PNG or JPEG"), std::string::npos);
        }
    }
    const auto file = write_text("photo.png", pgm); // the name does not matter
    expect_error_naming([&] { load_image(file); }, file);
}

// A PNG that declares 10,000 × 10,000 (the header patched; such a file compresses to a few
// hundred KB; stb itself refuses only above 2^30 bytes) is refused from its header, before
// any pixel is decoded; the limit is settable.
TEST_F(ImageFiles, OversizedImagesAreRefusedBeforeDecoding)
{
    const auto file = write_png("bomb.png", pattern(12, 7));
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    ASSERT_GT(bytes.size(), 24u);
    auto big_endian = [&](size_t at, uint32_t v) {
        for (int i = 0; i < 4; ++i)
            bytes[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
    };
    auto bomb = bytes;
    std::swap(bomb, bytes);
    big_endian(16, 10000); // IHDR width
    big_endian(20, 10000); // IHDR height
    std::swap(bomb, bytes);
    try {
        decode_image(bomb.data(), bomb.size());
        FAIL() << "a 100-megapixel image was decoded";
    } catch (const semsteg::error& e) {
        EXPECT_NE(std::string(e.what()).find("10000×10000"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("above the limit of 64"), std::string::npos)
            << e.what();
    }
    {
        std::ofstream out(path("bomb_file.png"), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bomb.data()),
                  static_cast<std::streamsize>(bomb.size()));
    }
    expect_error_naming([&] { load_image(path("bomb_file.png")); }, path("bomb_file.png"));

    EXPECT_EQ(max_image_pixels(), default_max_image_pixels);
    set_max_image_pixels(83); // 12 × 7 = 84
    EXPECT_THROW(decode_image(bytes.data(), bytes.size()), semsteg::error);
    set_max_image_pixels(84);
    EXPECT_EQ(decode_image(bytes.data(), bytes.size()).width, 12);
    EXPECT_THROW(set_max_image_pixels(0), semsteg::error);
    set_max_image_pixels(default_max_image_pixels);
}

TEST_F(ImageFiles, BadInputsThrowNamingTheFile)
{
    const auto missing = path("does_not_exist.png");
    expect_error_naming([&] { load_image(missing); }, missing);

    const auto text = write_text("notes.png", "this is not an image, only some text\n");
    expect_error_naming([&] { load_image(text); }, text);

    const auto empty = write_text("empty.jpg", "");
    expect_error_naming([&] { load_image(empty); }, empty);

    // The first half of a valid PNG.
    const auto good = write_png("good.png", pattern(32, 32));
    const auto size = fs::file_size(good);
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto truncated = write_text("truncated.png", bytes.substr(0, size / 2));
    expect_error_naming([&] { load_image(truncated); }, truncated);
}

TEST_F(ImageFiles, FolderIsNotAnImage)
{
    // A folder opens as a stream on Linux but fails on reading: that must still be a
    // semsteg::error naming the path, not a std::ios_base::failure.
    fs::create_directories(dir / "folder.png");
    expect_error_naming([&] { load_image(path("folder.png")); }, path("folder.png"));
}

TEST_F(ImageFiles, SavePngErrors)
{
    expect_error_naming([&] { save_png(path("empty.png"), image()); }, path("empty.png"));
    const auto unwritable = path("no/such/folder/out.png");
    expect_error_naming([&] { save_png(unwritable, pattern(4, 4)); }, unwritable);
}

// ---------------------------------------------------------------------------------------------
// Transforms

TEST(ImageTransforms, Crop)
{
    const image img = pattern(20, 10);
    const image c = crop(img, 3, 2, 5, 4);
    ASSERT_EQ(c.width, 5);
    ASSERT_EQ(c.height, 4);
    for (int y = 0; y < 4; ++y)
        for (int x = 0; x < 5; ++x)
            for (int ch = 0; ch < 3; ++ch)
                EXPECT_EQ(c.at(x, y, ch), img.at(x + 3, y + 2, ch));
    EXPECT_EQ(crop(img, 0, 0, 20, 10).rgb, img.rgb);

    EXPECT_THROW(crop(img, 0, 0, 0, 5), semsteg::error); // zero width
    EXPECT_THROW(crop(img, 0, 0, 5, 0), semsteg::error); // zero height
    EXPECT_THROW(crop(img, 0, 0, -1, 5), semsteg::error); // negative
    EXPECT_THROW(crop(img, -1, 0, 5, 5), semsteg::error);
    EXPECT_THROW(crop(img, 0, -1, 5, 5), semsteg::error);
    EXPECT_THROW(crop(img, 16, 0, 5, 5), semsteg::error); // past the right edge
    EXPECT_THROW(crop(img, 0, 6, 5, 5), semsteg::error); // past the bottom
    EXPECT_THROW(crop(image(), 0, 0, 1, 1), semsteg::error);
    expect_error_naming([&] { crop(img, 0, 0, 0, 0); }, "20x10");
}

TEST(ImageTransforms, CenterCropSquare)
{
    const image wide = pattern(80, 48);
    const image sq = center_crop_square(wide);
    ASSERT_EQ(sq.width, 48);
    ASSERT_EQ(sq.height, 48);
    EXPECT_EQ(sq.rgb, crop(wide, 16, 0, 48, 48).rgb);

    const image tall = pattern(30, 50);
    const image half = center_crop_square(tall, 0.5);
    ASSERT_EQ(half.width, 15);
    ASSERT_EQ(half.height, 15);
    EXPECT_EQ(half.rgb, crop(tall, 7, 17, 15, 15).rgb);

    const image faces = center_crop_square(pattern(89, 109), 88.0 / 89.0);
    EXPECT_EQ(faces.width, 88);
    EXPECT_EQ(faces.height, 88);

    EXPECT_THROW(center_crop_square(wide, 0.0), semsteg::error);
    EXPECT_THROW(center_crop_square(wide, -0.5), semsteg::error);
    EXPECT_THROW(center_crop_square(wide, 1.5), semsteg::error);
    EXPECT_THROW(center_crop_square(wide, std::nan("")), semsteg::error);
    EXPECT_THROW(center_crop_square(image()), semsteg::error);
}

TEST(ImageTransforms, Resize)
{
    const image img = pattern(40, 30);
    const image small = resize(img, 10, 7);
    EXPECT_EQ(small.width, 10);
    EXPECT_EQ(small.height, 7);
    EXPECT_EQ(small.rgb.size(), 10u * 7u * 3u);
    const image big = resize(img, 64, 64);
    EXPECT_EQ(big.width, 64);
    EXPECT_EQ(big.height, 64);
    EXPECT_EQ(resize(img, 40, 30).rgb, img.rgb);

    // A flat colour stays flat.
    const image flat = resize(constant(33, 17, 0.2f, 0.5f, 0.9f), 8, 12);
    for (int y = 0; y < 12; ++y)
        for (int x = 0; x < 8; ++x) {
            EXPECT_NEAR(flat.at(x, y, 0), 0.2f, 1e-4);
            EXPECT_NEAR(flat.at(x, y, 1), 0.5f, 1e-4);
            EXPECT_NEAR(flat.at(x, y, 2), 0.9f, 1e-4);
        }

    EXPECT_THROW(resize(img, 0, 10), semsteg::error);
    EXPECT_THROW(resize(img, 10, 0), semsteg::error);
    EXPECT_THROW(resize(img, -4, 10), semsteg::error);
    EXPECT_THROW(resize(image(), 10, 10), semsteg::error);
}

TEST(ImageTransforms, FlipAndPrepare)
{
    const image img = pattern(7, 5);
    const image f = flip_horizontal(img);
    ASSERT_EQ(f.width, 7);
    ASSERT_EQ(f.height, 5);
    for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x)
            for (int c = 0; c < 3; ++c)
                EXPECT_EQ(f.at(x, y, c), img.at(6 - x, y, c));
    EXPECT_EQ(flip_horizontal(f).rgb, img.rgb);

    const image p = prepare_image(pattern(120, 90), 64);
    EXPECT_EQ(p.width, 64);
    EXPECT_EQ(p.height, 64);
    const image q = prepare_image(pattern(89, 109), 32, 88.0 / 89.0);
    EXPECT_EQ(q.width, 32);
    EXPECT_EQ(q.height, 32);
    EXPECT_THROW(prepare_image(pattern(10, 10), 0), semsteg::error);
    EXPECT_THROW(prepare_image(image(), 16), semsteg::error);
}

TEST(ImageTransforms, TileGrid)
{
    std::vector<image> cells;
    for (int i = 0; i < 5; ++i)
        cells.push_back(constant(10, 8, 0.1f * i, 0.0f, 0.0f));
    const image grid = tile_grid(cells, 3, 2);
    ASSERT_EQ(grid.width, 3 * 10 + 2 * 2);
    ASSERT_EQ(grid.height, 2 * 8 + 1 * 2);
    for (int i = 0; i < 5; ++i) {
        const int ox = (i % 3) * 12, oy = (i / 3) * 10;
        EXPECT_FLOAT_EQ(grid.at(ox, oy, 0), 0.1f * i) << "cell " << i;
        EXPECT_FLOAT_EQ(grid.at(ox + 9, oy + 7, 0), 0.1f * i) << "cell " << i;
        EXPECT_FLOAT_EQ(grid.at(ox + 9, oy + 7, 1), 0.0f) << "cell " << i;
    }
    // Padding and the unused sixth cell are white.
    for (int c = 0; c < 3; ++c) {
        EXPECT_EQ(grid.at(10, 0, c), 1.0f);
        EXPECT_EQ(grid.at(0, 8, c), 1.0f);
        EXPECT_EQ(grid.at(2 * 12 + 5, 10 + 4, c), 1.0f);
    }

    // Fewer images than columns: only the used columns; no padding with pad = 0.
    const image row = tile_grid({ cells[0], cells[1] }, 8, 0);
    EXPECT_EQ(row.width, 20);
    EXPECT_EQ(row.height, 8);
    const image one = tile_grid({ cells[3] }, 1);
    EXPECT_EQ(one.rgb, cells[3].rgb);

    EXPECT_THROW(tile_grid({}, 3), semsteg::error);
    EXPECT_THROW(tile_grid(cells, 0), semsteg::error);
    EXPECT_THROW(tile_grid(cells, 2, -1), semsteg::error);
    expect_error_naming([&] { tile_grid({ cells[0], pattern(10, 9) }, 2); }, "10x9");
}

TEST(ImageTransforms, LabelledGridEnlargesTilesAndNamesColumns)
{
    std::vector<image> cells;
    for (int i = 0; i < 4; ++i)
        cells.push_back(constant(64, 64, 0.2f * i, 0.5f, 0.0f));
    const image grid = labelled_grid(cells, 2, { "private", "Bob" }, 128, 2);
    const int header = grid.height - (2 * 128 + 2);
    ASSERT_GT(header, 10); // room for the names
    ASSERT_EQ(grid.width, 2 * 128 + 2);
    // Each 64-pixel tile is doubled: its colour fills 128×128 below the header.
    for (int i = 0; i < 4; ++i) {
        const int ox = (i % 2) * 130, oy = header + (i / 2) * 130;
        EXPECT_FLOAT_EQ(grid.at(ox, oy, 0), 0.2f * i) << "cell " << i;
        EXPECT_FLOAT_EQ(grid.at(ox + 127, oy + 127, 0), 0.2f * i) << "cell " << i;
        EXPECT_FLOAT_EQ(grid.at(ox + 127, oy + 127, 1), 0.5f) << "cell " << i;
    }
    // The header is white with dark text in each column's half, nothing else.
    auto dark_pixels = [&](int x0, int x1) {
        int n = 0;
        for (int y = 0; y < header; ++y)
            for (int x = x0; x < x1; ++x)
                n += grid.at(x, y, 0) < 0.5f ? 1 : 0;
        return n;
    };
    EXPECT_GT(dark_pixels(0, 128), 20);
    EXPECT_GT(dark_pixels(130, 258), 20);
    EXPECT_EQ(grid.at(0, 0, 0), 1.0f);
    // Without labels: no header; tiles already large enough stay as they are.
    const image plain = labelled_grid(cells, 2, {}, 64, 2);
    EXPECT_EQ(plain.rgb, tile_grid(cells, 2, 2).rgb);
    EXPECT_THROW(labelled_grid(cells, 2, { "one" }), semsteg::error);
}

// ---------------------------------------------------------------------------------------------
// Dataset

using Dataset = Files;

TEST_F(Dataset, ListImageFilesRecursiveCaseInsensitiveSorted)
{
    const image img = pattern(8, 8);
    std::vector<std::string> expected = {
        write_png("b.png", img),
        write_png("A.PNG", img),
        write_png("sub/c.JPG", img),
        write_png("sub/deeper/d.jpeg", img),
        write_png("sub/deeper/e.JpEg", img),
        write_png("z/f.jpg", img),
    };
    write_text("notes.txt", "x");
    write_text("sub/readme.md", "x");
    write_png("sub/g.gif", img); // not a listed extension
    write_png("sub/png", img); // no extension
    write_png("sub/h.png.bak", img); // extension is .bak
    fs::create_directories(dir / "folder.png"); // a folder, not a file

    const auto files = list_image_files(dir.string());
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(files, expected);
    EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
}

TEST_F(Dataset, ListImageFilesErrors)
{
    fs::create_directories(dir / "empty");
    expect_error_naming([&] { list_image_files(path("empty")); }, path("empty"));
    expect_error_naming([&] { list_image_files(path("missing")); }, path("missing"));
    write_text("only_text/a.txt", "x");
    expect_error_naming([&] { list_image_files(path("only_text")); }, path("only_text"));
    const auto file = write_png("single.png", pattern(4, 4));
    expect_error_naming([&] { list_image_files(file); }, file);
}

TEST_F(Dataset, ImageSetSkipsUnreadableFiles)
{
    const auto good1 = write_png("good1.png", pattern(40, 30, 1));
    const auto text = write_text("text.png", "not an image");
    const auto good2 = write_png("good2.png", pattern(20, 20, 2));
    const auto empty = write_text("empty.jpg", "");
    const auto missing = path("missing.png");

    image_set::options opts;
    const image_set set({ good1, text, good2, empty, missing }, opts);
    ASSERT_EQ(set.size(), 2u);
    EXPECT_EQ(set.skipped(), 3u);
    EXPECT_EQ(set.skipped_files(), (std::vector<std::string> { text, empty, missing }));
    EXPECT_EQ(set.path(0), good1);
    EXPECT_EQ(set.path(1), good2);
    // Stored as the centred square crop.
    EXPECT_EQ(set.stored(0).width, 30);
    EXPECT_EQ(set.stored(0).height, 30);
    EXPECT_EQ(set.stored(0).rgb, center_crop_square(load_image(good1)).rgb);
    EXPECT_EQ(set.stored(1).width, 20);
    EXPECT_THROW(set.stored(2), std::out_of_range);

    const image c = set.centered(1, 16);
    EXPECT_EQ(c.width, 16);
    EXPECT_EQ(c.height, 16);

    expect_error_naming([&] { image_set({ text, empty, missing }, opts); }, "3 image files");
    EXPECT_THROW(image_set({}, opts), semsteg::error);
}

TEST_F(Dataset, ImageSetCropFractionAndMaxSide)
{
    const auto big = write_png("big.png", pattern(100, 60));
    image_set::options opts;
    opts.max_side = 32;
    const image_set small({ big }, opts);
    EXPECT_EQ(small.stored(0).width, 32);
    EXPECT_EQ(small.stored(0).height, 32);

    opts.max_side = 512;
    opts.crop_fraction = 0.5;
    const image_set half({ big }, opts);
    EXPECT_EQ(half.stored(0).width, 30);
    EXPECT_EQ(half.stored(0).height, 30);
}

TEST_F(Dataset, ImageSetFromFolderWithRange)
{
    std::vector<std::string> files;
    for (int i = 0; i < 5; ++i)
        files.push_back(write_png("img" + std::to_string(i) + ".png", pattern(12, 12, i)));
    write_text("broken.png", "junk"); // sorts first: index 0
    const image_set all = image_set::from_folder(dir.string(), {});
    EXPECT_EQ(all.size(), 5u);
    EXPECT_EQ(all.skipped(), 1u);

    const image_set part = image_set::from_folder(dir.string(), {}, "2:4");
    ASSERT_EQ(part.size(), 2u);
    EXPECT_EQ(part.skipped(), 0u);
    EXPECT_EQ(part.path(0), files[1]);
    EXPECT_EQ(part.path(1), files[2]);
    EXPECT_THROW(image_set::from_folder(dir.string(), {}, "0:1"), semsteg::error);
    EXPECT_THROW(image_set::from_folder(dir.string(), {}, "7:"), semsteg::error);
    EXPECT_THROW(image_set::from_folder(path("missing"), {}), semsteg::error);
}

TEST_F(Dataset, RandomCrop)
{
    const auto file = write_png("photo.png", pattern(50, 50));
    const image_set set({ file }, {});

    std::mt19937_64 r1(42), r2(42), r3(43);
    bool differs = false;
    for (int k = 0; k < 10; ++k) {
        const image a = set.random_crop(0, 24, 0.5, r1);
        const image b = set.random_crop(0, 24, 0.5, r2);
        const image c = set.random_crop(0, 24, 0.5, r3);
        ASSERT_EQ(a.width, 24);
        ASSERT_EQ(a.height, 24);
        ASSERT_EQ(c.width, 24);
        EXPECT_EQ(a.rgb, b.rgb) << "draw " << k;
        differs = differs || a.rgb != c.rgb;
    }
    EXPECT_TRUE(differs) << "different seeds gave the same ten crops";

    // min_scale = 1: the whole stored square, resized, possibly mirrored.
    const image whole = set.centered(0, 24);
    const image mirrored = flip_horizontal(whole);
    int plain = 0, flipped = 0;
    std::mt19937_64 rng(7);
    for (int k = 0; k < 40; ++k) {
        const image x = set.random_crop(0, 24, 1.0, rng);
        if (x.rgb == whole.rgb)
            ++plain;
        else if (x.rgb == mirrored.rgb)
            ++flipped;
        else
            ADD_FAILURE() << "full-scale crop " << k
                          << " is neither the image nor its mirror";
    }
    EXPECT_GT(plain, 0);
    EXPECT_GT(flipped, 0);
}

TEST(DatasetIndices, SplitIndices)
{
    const auto s = split_indices(100, 0.2, 7);
    EXPECT_EQ(s.validation.size(), 20u);
    EXPECT_EQ(s.train.size(), 80u);
    std::set<size_t> all(s.train.begin(), s.train.end());
    for (size_t v : s.validation)
        EXPECT_TRUE(all.insert(v).second) << v << " is in both parts";
    EXPECT_EQ(all.size(), 100u);
    EXPECT_EQ(*all.rbegin(), 99u);

    const auto again = split_indices(100, 0.2, 7);
    EXPECT_EQ(again.train, s.train);
    EXPECT_EQ(again.validation, s.validation);
    EXPECT_NE(split_indices(100, 0.2, 8).validation, s.validation);
    // Not simply the first or last indices.
    EXPECT_FALSE(s.validation.front() == 0 && s.validation.back() == 19);
    EXPECT_FALSE(s.validation.front() == 80 && s.validation.back() == 99);

    const auto none = split_indices(10, 0.0, 1);
    EXPECT_EQ(none.train.size(), 10u);
    EXPECT_TRUE(none.validation.empty());
    EXPECT_TRUE(split_indices(0, 0.5, 1).train.empty());

    EXPECT_THROW(split_indices(10, 1.0, 1), semsteg::error);
    EXPECT_THROW(split_indices(10, -0.1, 1), semsteg::error);
    EXPECT_THROW(split_indices(10, std::nan(""), 1), semsteg::error);
}

TEST(DatasetIndices, ParseRange)
{
    using range = std::pair<size_t, size_t>;
    EXPECT_EQ(parse_range(":", 10), range(0, 10));
    EXPECT_EQ(parse_range("2:5", 10), range(2, 5));
    EXPECT_EQ(parse_range("3:", 10), range(3, 10));
    EXPECT_EQ(parse_range(":4", 10), range(0, 4));
    EXPECT_EQ(parse_range("5:1000", 10), range(5, 10)); // END is clamped to n
    EXPECT_EQ(parse_range("0:1", 1), range(0, 1));

    for (const char* bad :
         { "", "5", "a:3", "2:b", "1.5:3", "2:3x", "5:5", "7:3", "10:", ":0", "-1:3" })
        expect_error_naming([&] { parse_range(bad, 10); }, std::string("'") + bad + "'");
    EXPECT_THROW(parse_range(":", 0), semsteg::error);
}

TEST(DatasetPairs, NeverSelfPairs)
{
    const std::vector<size_t> pool = { 3, 8, 11 };
    pair_sampler sampler(pool, pool, 2026);
    std::set<std::pair<size_t, size_t>> seen;
    for (int k = 0; k < 100000; ++k) {
        const auto [h, p] = sampler.next();
        ASSERT_NE(h, p) << "draw " << k;
        ASSERT_TRUE(h == 3 || h == 8 || h == 11);
        ASSERT_TRUE(p == 3 || p == 8 || p == 11);
        seen.insert({ h, p });
    }
    EXPECT_EQ(seen.size(), 6u); // every ordered pair of distinct images occurs
}

TEST(DatasetPairs, DeterministicBySeed)
{
    const std::vector<size_t> pool = { 0, 1, 2, 3, 4, 5, 6, 7 };
    const auto a = pair_sampler(pool, pool, 11).draw(500);
    const auto b = pair_sampler(pool, pool, 11).draw(500);
    const auto c = pair_sampler(pool, pool, 12).draw(500);
    ASSERT_EQ(a.size(), 500u);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

TEST(DatasetPairs, SeparatePoolsAndEdgeCases)
{
    pair_sampler sampler({ 0, 1 }, { 5, 6, 7 }, 3);
    for (const auto& [h, p] : sampler.draw(1000)) {
        EXPECT_TRUE(h == 0 || h == 1);
        EXPECT_TRUE(p >= 5 && p <= 7);
    }
    // The only host is also a private image: that private image can never be drawn.
    pair_sampler one_host({ 5 }, { 5, 6 }, 9);
    for (const auto& pr : one_host.draw(1000))
        EXPECT_EQ(pr, std::make_pair(size_t { 5 }, size_t { 6 }));

    EXPECT_THROW(pair_sampler({}, { 1 }, 1), semsteg::error);
    EXPECT_THROW(pair_sampler({ 1 }, {}, 1), semsteg::error);
    EXPECT_THROW(pair_sampler({ 4 }, { 4 }, 1), semsteg::error);
}
