/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/model_file.h>
#include <semsteg/model_locator.h>

#include "test_util.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace fs = std::filesystem;
using namespace semsteg;

namespace {

fs::path temp_path(const std::string& name)
{
    return test::temp_path("test_model_file", name);
}
using test::error_of;

model_file sample_file()
{
    model_file f;
    f.kind = "jscc";
    f.config = { { "bcr", 1.0 / 12 }, { "image_side", 64 } };
    f.info["step"] = "123";
    std::mt19937 rng(5);
    std::normal_distribution<float> nd;
    tensor_record w { "F32", { 4, 3, 2 }, {} };
    std::vector<float> values(24);
    for (auto& v : values)
        v = nd(rng);
    w.bytes.resize(values.size() * 4);
    std::memcpy(w.bytes.data(), values.data(), w.bytes.size());
    f.tensors["a.weight"] = w;
    tensor_record n { "I64", { 1 }, std::vector<uint8_t>(8, 0) };
    n.bytes[0] = 7;
    f.tensors["a.count"] = n;
    return f;
}

std::vector<char> read_bytes(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return { std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>() };
}

void write_bytes(const fs::path& p, const std::vector<char>& bytes)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

//! A safetensors file made by hand: the header text (padded to 8 bytes) and the data.
std::vector<char> safetensors_bytes(std::string header, const std::string& data = "")
{
    header.append((8 - header.size() % 8) % 8, ' ');
    const uint64_t n = header.size();
    std::string bytes(reinterpret_cast<const char*>(&n), 8);
    bytes += header + data;
    return { bytes.begin(), bytes.end() };
}

} // namespace

TEST(ModelFile, RoundTripIsBitExact)
{
    const auto path = temp_path("rt.safetensors");
    const auto f = sample_file();
    write_model_file(path, f);
    const auto g = read_model_file(path, "jscc");
    EXPECT_EQ(g.kind, "jscc");
    EXPECT_EQ(g.config, f.config);
    EXPECT_EQ(g.info.at("step"), "123");
    ASSERT_EQ(g.tensors.size(), 2u);
    for (const auto& [name, t] : f.tensors) {
        EXPECT_EQ(g.tensors.at(name).dtype, t.dtype);
        EXPECT_EQ(g.tensors.at(name).shape, t.shape);
        EXPECT_EQ(g.tensors.at(name).bytes, t.bytes) << name;
    }
    // Writing what was read gives the same file, byte for byte.
    const auto path2 = temp_path("rt2.safetensors");
    write_model_file(path2, g);
    EXPECT_EQ(read_bytes(path), read_bytes(path2));
}

TEST(ModelFile, LayoutIsSafetensors)
{
    const auto path = temp_path("layout.safetensors");
    write_model_file(path, sample_file());
    const auto bytes = read_bytes(path);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    ASSERT_LE(8 + n, bytes.size());
    EXPECT_EQ(n % 8, 0u);
    const auto header = nlohmann::json::parse(std::string(bytes.data() + 8, n));
    EXPECT_EQ(header["__metadata__"]["format"], "semsteg-model");
    EXPECT_EQ(header["a.weight"]["dtype"], "F32");
    EXPECT_EQ(header["a.weight"]["shape"], nlohmann::json({ 4, 3, 2 }));
    const auto offsets = header["a.weight"]["data_offsets"].get<std::vector<uint64_t>>();
    EXPECT_EQ(offsets[1] - offsets[0], 24u * 4);
    EXPECT_EQ(bytes.size(), 8 + n + 24 * 4 + 8);
}

TEST(ModelFile, MissingFileIsAClearError)
{
    const auto msg = error_of([] { read_model_file("/nonexistent/model.safetensors"); });
    EXPECT_NE(msg.find("cannot open"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/nonexistent/model.safetensors"), std::string::npos) << msg;
}

TEST(ModelFile, TruncatedFilesAreClearErrors)
{
    const auto path = temp_path("trunc.safetensors");
    write_model_file(path, sample_file());
    const auto bytes = read_bytes(path);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    for (size_t keep :
         { size_t(0), size_t(5), size_t(8 + n / 2), size_t(bytes.size() - 1) }) {
        write_bytes(path, std::vector<char>(bytes.begin(), bytes.begin() + keep));
        const auto msg = error_of([&] { read_model_file(path); });
        EXPECT_NE(msg.find("truncated"), std::string::npos) << "kept " << keep << ": " << msg;
    }
}

TEST(ModelFile, WrongKindAndForeignFilesAreRejected)
{
    const auto path = temp_path("kind.safetensors");
    write_model_file(path, sample_file());
    auto msg = error_of([&] { read_model_file(path, "inn"); });
    EXPECT_NE(msg.find("'jscc'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'inn'"), std::string::npos) << msg;

    // A valid safetensors file that is not ours.
    write_bytes(path,
                safetensors_bytes(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
                                  std::string(4, '\0')));
    msg = error_of([&] { read_model_file(path); });
    EXPECT_NE(msg.find("not a semsteg model"), std::string::npos) << msg;

    // A header nested a million levels deep (the JSON parser recurses) is refused, not a
    // stack overflow.
    write_bytes(path,
                safetensors_bytes(std::string(1000000, '[') + std::string(1000000, ']')));
    msg = error_of([&] { read_model_file(path); });
    EXPECT_NE(msg.find("malformed JSON header"), std::string::npos) << msg;

    // A metadata field of the wrong JSON type (found by fuzzing: the JSON library's own
    // exception escaped) is a semsteg::error naming the file.
    write_bytes(path, safetensors_bytes(R"({"__metadata__":{"format":["semsteg-model"]}})"));
    msg = error_of([&] { read_model_file(path); });
    EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;

    // Garbage.
    write_bytes(path, std::vector<char>(64, 'x'));
    msg = error_of([&] { read_model_file(path); });
    EXPECT_FALSE(msg.empty());
}

// Every file written carries the SHA-256 of its data; a flipped byte anywhere in the data
// is refused, naming the file; a file from before the checksum (none in its header) loads.
TEST(ModelFile, CorruptedDataIsRefused)
{
    const auto path = temp_path("sha.safetensors");
    write_model_file(path, sample_file());
    EXPECT_TRUE(read_model_file(path).checksummed);
    EXPECT_EQ(read_model_file(path).info.count("data_sha256"), 0u);
    const auto bytes = read_bytes(path);
    uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    for (size_t at : { size_t(8 + n), size_t(8 + n + 50), bytes.size() - 1 }) {
        auto bad = bytes;
        bad[at] ^= 0x10;
        write_bytes(path, bad);
        const auto msg = error_of([&] { read_model_file(path); });
        EXPECT_NE(msg.find("corrupted"), std::string::npos) << "byte " << at << ": " << msg;
        EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
    }
    // Appended bytes are a change too.
    auto longer = bytes;
    longer.push_back('x');
    write_bytes(path, longer);
    EXPECT_NE(error_of([&] { read_model_file(path); }).find("corrupted"), std::string::npos);

    // The header without the checksum: an older file, loaded unverified.
    auto header = nlohmann::json::parse(std::string(bytes.data() + 8, n));
    header["__metadata__"].erase("data_sha256");
    write_bytes(
        path,
        safetensors_bytes(
            header.dump(),
            std::string(bytes.begin() + static_cast<std::ptrdiff_t>(8 + n), bytes.end())));
    const auto loaded = read_model_file(path);
    EXPECT_FALSE(loaded.checksummed);
    EXPECT_EQ(loaded.tensors.at("a.weight").bytes,
              sample_file().tensors.at("a.weight").bytes);
}

TEST(ModelFile, ShapeThatDisagreesWithItsBytesIsRejected)
{
    auto f = sample_file();
    f.tensors["a.weight"].shape = { 5, 5 };
    const auto path = temp_path("bad_shape.safetensors");
    EXPECT_THROW(write_model_file(path, f), error);
    EXPECT_FALSE(fs::exists(path));
}

TEST(ModelFile, FailedWriteLeavesTheOldFile)
{
    const auto path = temp_path("keep.safetensors");
    write_model_file(path, sample_file());
    const auto before = read_bytes(path);
    auto f = sample_file();
    f.tensors["a.weight"].dtype = "F16"; // unsupported: the write must fail
    EXPECT_THROW(write_model_file(path, f), error);
    EXPECT_EQ(read_bytes(path), before);
}

// One rule finds a model file: as given if it exists, else by file name in $SEMSTEG_MODELS,
// the installed models and the source tree's models/ (the blocks' bare-name defaults).
TEST(ModelLocator, FindsModelsByNameAndSaysWhereItLooked)
{
    const auto dir = temp_path("locator");
    fs::create_directories(dir);
    const auto file = dir / "only_here.safetensors";
    write_model_file(file.string(), sample_file());
    EXPECT_EQ(locate_model(file.string()), file.string()); // as given

    ::unsetenv("SEMSTEG_MODELS");
    EXPECT_NE(error_of([] { locate_model("only_here.safetensors"); }).find("not found"),
              std::string::npos);
    // The shipped models are found by bare name from any working directory (source tree).
    EXPECT_TRUE(fs::is_regular_file(locate_model("jscc_awgn10.safetensors")));

    ::setenv("SEMSTEG_MODELS", dir.c_str(), 1);
    EXPECT_EQ(locate_model("only_here.safetensors"),
              (dir / "only_here.safetensors").string());
    EXPECT_EQ(locate_model("models/only_here.safetensors"),
              (dir / "only_here.safetensors").string()); // older flowgraphs' form
    const auto msg = error_of([] { locate_model("missing.safetensors"); });
    EXPECT_NE(msg.find("'" + (dir / "missing.safetensors").string() + "'"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("share/gr-semsteg/models/missing.safetensors"), std::string::npos)
        << msg;
    ::unsetenv("SEMSTEG_MODELS");
    EXPECT_THROW(locate_model(""), error);
}

// An INN works only in the latent space of the codec it was trained with: an INN file that
// records its codec refuses any other (Bob would get noise, silently).
TEST(ModelFile, AnInnRefusesAnotherCodecThanItsOwn)
{
    auto codec_a = sample_file();
    auto codec_b = sample_file();
    codec_b.tensors["a.count"].bytes[0] = 8; // other weights
    const auto path_a = temp_path("codec_a.safetensors");
    const auto path_b = temp_path("codec_b.safetensors");
    write_model_file(path_a, codec_a);
    write_model_file(path_b, codec_b);
    const auto a = read_model_file(path_a, kind_jscc);
    const auto b = read_model_file(path_b, kind_jscc);
    ASSERT_EQ(a.data_sha256.size(), 64u);
    ASSERT_NE(a.data_sha256, b.data_sha256);

    auto inn = sample_file();
    inn.kind = kind_inn;
    const auto inn_path = temp_path("inn_of_a.safetensors");
    write_model_file(inn_path, inn);
    EXPECT_NO_THROW(check_inn_codec(inn_path, path_b)); // no record: nothing to compare

    inn.info[inn_codec_key] = a.data_sha256;
    write_model_file(inn_path, inn);
    EXPECT_NO_THROW(check_inn_codec(inn_path, path_a));
    const auto msg = error_of([&] { check_inn_codec(inn_path, path_b); });
    EXPECT_NE(msg.find(inn_path.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find(path_b.string()), std::string::npos) << msg;
    EXPECT_NE(msg.find("another codec"), std::string::npos) << msg;
    // Arguments the wrong way round: a clear kind error, not a pass.
    EXPECT_NE(error_of([&] { check_inn_codec(path_a, inn_path); }), "");

    // A reduced payload's own codec: the INN takes exactly the one it records, and an INN
    // that records none takes none.
    auto plain_inn = read_model_file(inn_path, kind_inn);
    EXPECT_NO_THROW(check_inn_private_codec(plain_inn, inn_path, nullptr, ""));
    EXPECT_NE(error_of([&] {
                  check_inn_private_codec(plain_inn, inn_path, &a, path_a.string());
              }).find("takes no private codec"),
              std::string::npos);
    inn.info[inn_private_codec_key] = b.data_sha256;
    write_model_file(inn_path, inn);
    const auto reduced = read_model_file(inn_path, kind_inn);
    EXPECT_NO_THROW(check_inn_private_codec(reduced, inn_path, &b, path_b.string()));
    EXPECT_NE(error_of([&] {
                  check_inn_private_codec(reduced, inn_path, nullptr, "");
              }).find("give it"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  check_inn_private_codec(reduced, inn_path, &a, path_a.string());
              }).find("another private codec"),
              std::string::npos);
    // Which private codec the INN names: an INN of the public codec's latent none; one
    // that records a private codec but no name, a clear error; by name, the file beside it;
    // a name found nowhere, a clear error.
    auto public_payload = sample_file();
    public_payload.kind = kind_inn;
    const auto public_path = temp_path("inn_public_payload.safetensors");
    write_model_file(public_path, public_payload);
    EXPECT_EQ(locate_inn_private_codec(public_path.string()), "");
    EXPECT_NE(error_of([&] {
                  locate_inn_private_codec(inn_path.string());
              }).find("does not name it"),
              std::string::npos);
    inn.info[inn_private_codec_name_key] = path_b.filename().string();
    write_model_file(inn_path, inn);
    EXPECT_TRUE(
        std::filesystem::equivalent(locate_inn_private_codec(inn_path.string()), path_b));
    inn.info[inn_private_codec_name_key] = "nowhere.safetensors";
    write_model_file(inn_path, inn);
    EXPECT_NE(error_of([&] {
                  locate_inn_private_codec(inn_path.string());
              }).find("neither beside it nor found"),
              std::string::npos);
    EXPECT_NO_THROW(check_inn_codecs(inn_path.string(), path_a.string(), path_b.string()));
    EXPECT_NE(error_of([&] {
                  check_inn_codecs(inn_path.string(), path_a.string(), "");
              }).find("give it"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  check_inn_codecs(inn_path.string(), path_b.string(), path_b.string());
              }).find("another codec"),
              std::string::npos);
    EXPECT_NE(error_of([&] {
                  check_inn_codecs(inn_path.string(), path_a.string(), path_a.string());
              }).find("another private codec"),
              std::string::npos);
}
