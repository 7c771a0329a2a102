/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/image.h>

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>
// stb_easy_font's functions are static: including it defines them for this file only.
#include <stb_easy_font.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>

namespace semsteg {

namespace {

image from_rgb8(const unsigned char* pixels, int w, int h)
{
    image img(w, h);
    const size_t n = img.rgb.size();
    for (size_t i = 0; i < n; ++i)
        img.rgb[i] = pixels[i] / 255.0f;
    return img;
}

} // namespace

namespace {
std::atomic<uint64_t> g_max_image_pixels { default_max_image_pixels };
} // namespace

void set_max_image_pixels(uint64_t pixels)
{
    if (pixels == 0)
        throw error("image: the pixel limit must be positive");
    g_max_image_pixels = pixels;
}

uint64_t max_image_pixels() { return g_max_image_pixels; }

image decode_image(const uint8_t* data, size_t size)
{
    if (data == nullptr || size == 0)
        throw error("image: no data to decode");
    if (size > static_cast<size_t>(std::numeric_limits<int>::max()))
        throw error("image: " + std::to_string(size) + " bytes is too large a file");
    // PNG and JPEG only, by signature (image.h says why).
    static const uint8_t png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    static const uint8_t jpeg_signature[] = { 0xff, 0xd8, 0xff };
    auto starts_with = [&](const uint8_t* sig, size_t n) {
        return size >= n && std::equal(sig, sig + n, data);
    };
    if (!starts_with(png_signature, sizeof png_signature)
        && !starts_with(jpeg_signature, sizeof jpeg_signature))
        throw error("image: not a PNG or JPEG file (other formats are not read)");
    int w = 0, h = 0, channels = 0;
    // The header first: the size an image claims decides whether it is decoded at all.
    if (!stbi_info_from_memory(data, static_cast<int>(size), &w, &h, &channels))
        throw error(std::string("image: cannot decode (") + stbi_failure_reason() + ")");
    const uint64_t area = static_cast<uint64_t>(w) * static_cast<uint64_t>(h);
    if (w <= 0 || h <= 0 || area > max_image_pixels())
        throw error("image: " + std::to_string(w) + "×" + std::to_string(h) + " ("
                    + std::to_string(area / 1000000.0).substr(0, 6)
                    + " megapixels) is above the limit of "
                    + std::to_string(max_image_pixels() / 1000000.0).substr(0, 6)
                    + " megapixels");
    // Asking stb for 3 components converts grey, grey+alpha and RGBA to RGB.
    unsigned char* pixels
        = stbi_load_from_memory(data, static_cast<int>(size), &w, &h, &channels, 3);
    if (pixels == nullptr)
        throw error(std::string("image: cannot decode (") + stbi_failure_reason() + ")");
    image img = from_rgb8(pixels, w, h);
    stbi_image_free(pixels);
    return img;
}

image load_image(const std::string& path)
{
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw error("image: '" + path + "' is a folder, not an image file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw error("image: cannot open '" + path + "'");
    std::vector<uint8_t> bytes;
    try {
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } catch (const std::exception& e) {
        throw error("image: cannot read '" + path + "' (" + e.what() + ")");
    }
    if (bytes.empty())
        throw error("image: '" + path + "' is empty");
    try {
        return decode_image(bytes.data(), bytes.size());
    } catch (const error& e) {
        throw error("image: '" + path + "' is not a readable image ("
                    + std::string(e.what()).substr(7) + ")");
    }
}

void save_png(const std::string& path, const image& img)
{
    if (img.empty())
        throw error("image: refusing to write an empty image to '" + path + "'");
    std::vector<unsigned char> pixels(img.rgb.size());
    for (size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<unsigned char>(
            std::lround(std::clamp(img.rgb[i], 0.0f, 1.0f) * 255.0f));
    if (!stbi_write_png(path.c_str(), img.width, img.height, 3, pixels.data(), img.width * 3))
        throw error("image: cannot write PNG '" + path + "'");
}

image crop(const image& img, int x, int y, int w, int h)
{
    if (w <= 0 || h <= 0 || x < 0 || y < 0 || x + w > img.width || y + h > img.height)
        throw error("image: crop " + std::to_string(w) + "x" + std::to_string(h) + "+"
                    + std::to_string(x) + "+" + std::to_string(y) + " outside a "
                    + std::to_string(img.width) + "x" + std::to_string(img.height)
                    + " image");
    image out(w, h);
    for (int row = 0; row < h; ++row) {
        const float* src = &img.rgb[(static_cast<size_t>(y + row) * img.width + x) * 3];
        std::copy(src,
                  src + static_cast<size_t>(w) * 3,
                  &out.rgb[static_cast<size_t>(row) * w * 3]);
    }
    return out;
}

image center_crop_square(const image& img, double fraction)
{
    if (img.empty())
        throw error("image: cannot crop an empty image");
    if (!(fraction > 0.0 && fraction <= 1.0))
        throw error("image: crop fraction must be in (0,1], got " + std::to_string(fraction));
    const int side = std::max(
        1, static_cast<int>(std::lround(std::min(img.width, img.height) * fraction)));
    return crop(img, (img.width - side) / 2, (img.height - side) / 2, side, side);
}

image resize(const image& img, int w, int h)
{
    if (img.empty() || w <= 0 || h <= 0)
        throw error("image: cannot resize " + std::to_string(img.width) + "x"
                    + std::to_string(img.height) + " to " + std::to_string(w) + "x"
                    + std::to_string(h));
    if (w == img.width && h == img.height)
        return img;
    image out(w, h);
    if (!stbir_resize_float(
            img.rgb.data(), img.width, img.height, 0, out.rgb.data(), w, h, 0, 3))
        throw error("image: resize failed");
    return out;
}

image flip_horizontal(const image& img)
{
    image out(img.width, img.height);
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x)
            for (int c = 0; c < 3; ++c)
                out.at(img.width - 1 - x, y, c) = img.at(x, y, c);
    return out;
}

image prepare_image(const image& img, int side, double crop_fraction)
{
    if (side <= 0)
        throw error("image: model side must be positive, got " + std::to_string(side));
    return resize(center_crop_square(img, crop_fraction), side, side);
}

image tile_grid(const std::vector<image>& images, int cols, int pad)
{
    if (images.empty())
        throw error("image: tile_grid needs at least one image");
    if (cols <= 0 || pad < 0)
        throw error("image: tile_grid needs cols > 0 and pad >= 0");
    const int w = images[0].width, h = images[0].height;
    for (const auto& im : images)
        if (im.width != w || im.height != h)
            throw error("image: tile_grid needs equal sizes, found " + std::to_string(w) + "x"
                        + std::to_string(h) + " and " + std::to_string(im.width) + "x"
                        + std::to_string(im.height));
    const int n = static_cast<int>(images.size());
    const int rows = (n + cols - 1) / cols;
    const int used_cols = std::min(cols, n);
    image out(used_cols * w + (used_cols - 1) * pad, rows * h + (rows - 1) * pad);
    std::fill(out.rgb.begin(), out.rgb.end(), 1.0f);
    for (int i = 0; i < n; ++i) {
        const int ox = (i % cols) * (w + pad), oy = (i / cols) * (h + pad);
        for (int y = 0; y < h; ++y)
            std::copy(&images[i].rgb[static_cast<size_t>(y) * w * 3],
                      &images[i].rgb[static_cast<size_t>(y) * w * 3]
                          + static_cast<size_t>(w) * 3,
                      &out.rgb[(static_cast<size_t>(oy + y) * out.width + ox) * 3]);
    }
    return out;
}

namespace {

image upscale_nearest(const image& img, int factor)
{
    if (factor == 1)
        return img;
    image out(img.width * factor, img.height * factor);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x)
            for (int c = 0; c < 3; ++c)
                out.at(x, y, c) = img.at(x / factor, y / factor, c);
    return out;
}

// `text` in dark grey, stb_easy_font's pixel font `scale` times enlarged, its top-left
// corner at (x, y); clipped to the image.
void draw_text(image& img, int x, int y, const std::string& text, int scale)
{
    std::string buffer_text = text; // stb_easy_font takes a char*
    std::vector<char> vertices(16 * 4 * 64 * std::max<size_t>(1, text.size()));
    unsigned char colour[4] = { 0, 0, 0, 255 };
    const int quads = stb_easy_font_print(
        0, 0, buffer_text.data(), colour, vertices.data(), static_cast<int>(vertices.size()));
    for (int q = 0; q < quads; ++q) {
        // 4 vertices of 16 bytes (x, y, z floats, then a colour) per axis-aligned quad.
        const auto* v = reinterpret_cast<const float*>(vertices.data() + q * 64);
        const int x0 = x + static_cast<int>(v[0]) * scale,
                  y0 = y + static_cast<int>(v[1]) * scale;
        const int x1 = x + static_cast<int>(v[8]) * scale,
                  y1 = y + static_cast<int>(v[9]) * scale;
        for (int py = std::max(0, y0); py < std::min(img.height, y1); ++py)
            for (int px = std::max(0, x0); px < std::min(img.width, x1); ++px)
                for (int c = 0; c < 3; ++c)
                    img.at(px, py, c) = 0.15f;
    }
}

} // namespace

image labelled_grid(const std::vector<image>& images,
                    int cols,
                    const std::vector<std::string>& labels,
                    int min_tile_side,
                    int pad)
{
    if (images.empty())
        throw error("image: labelled_grid needs at least one image");
    if (!labels.empty() && static_cast<int>(labels.size()) != cols)
        throw error("image: labelled_grid has " + std::to_string(labels.size())
                    + " labels for " + std::to_string(cols) + " columns");
    const int side = std::max(images[0].width, images[0].height);
    const int factor = std::max(1, (min_tile_side + side - 1) / std::max(side, 1));
    std::vector<image> big;
    big.reserve(images.size());
    for (const auto& im : images)
        big.push_back(upscale_nearest(im, factor));
    const image grid = tile_grid(big, cols, pad);
    if (labels.empty())
        return grid;
    constexpr int scale = 2, font_height = 7, margin = 6;
    const int header = font_height * scale + 2 * margin;
    image out(grid.width, grid.height + header);
    std::fill(out.rgb.begin(), out.rgb.end(), 1.0f);
    std::copy(grid.rgb.begin(),
              grid.rgb.end(),
              out.rgb.begin() + static_cast<size_t>(header) * out.width * 3);
    const int cell = big[0].width + pad;
    for (int c = 0; c < cols; ++c) {
        std::string text = labels[static_cast<size_t>(c)];
        const int width = stb_easy_font_width(text.data()) * scale;
        draw_text(
            out, c * cell + std::max(0, (big[0].width - width) / 2), margin, text, scale);
    }
    return out;
}

} // namespace semsteg
