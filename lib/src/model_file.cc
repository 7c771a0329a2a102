/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/model_file.h>
#include <semsteg/model_locator.h>

#include <sodium.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

namespace semsteg {

namespace {

// The formats' byte order is little endian; this library targets little-endian hosts only.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "model files assume little endian");

std::string shape_text(const std::vector<int64_t>& shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? "," : "") + std::to_string(shape[i]);
    return s + "]";
}

constexpr const char* checksum_key = "data_sha256";

// The parser recurses per nesting level: a hostile header of a million '[' would overflow
// the stack. Ours nest three levels at most.
nlohmann::json parse_bounded_json(const std::string& text)
{
    constexpr int max_depth = 32;
    return nlohmann::json::parse(
        text, [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
            if (depth > max_depth)
                throw error("nested deeper than " + std::to_string(max_depth) + " levels");
            return true;
        });
}

std::string to_hex(const unsigned char* bytes, size_t n)
{
    std::string hex(2 * n + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), bytes, n);
    hex.pop_back();
    return hex;
}

//! SHA-256 of the data buffer, computed in the pieces it is written in.
class data_hash
{
public:
    data_hash()
    {
        if (sodium_init() < 0)
            throw error("model file: libsodium failed to initialise");
        crypto_hash_sha256_init(&d_state);
    }
    void update(const uint8_t* data, size_t n)
    {
        crypto_hash_sha256_update(&d_state, data, n);
    }
    std::string hex()
    {
        unsigned char digest[crypto_hash_sha256_BYTES];
        crypto_hash_sha256_final(&d_state, digest);
        return to_hex(digest, sizeof digest);
    }

private:
    crypto_hash_sha256_state d_state;
};

} // namespace

size_t dtype_size(const std::string& dtype)
{
    if (dtype == "F32")
        return 4;
    if (dtype == "I64")
        return 8;
    throw error("model file: unsupported dtype '" + dtype + "' (expected F32 or I64)");
}

void write_model_file(const std::string& path, const model_file& file)
{
    nlohmann::json header = nlohmann::json::object();
    nlohmann::json meta = nlohmann::json::object();
    for (const auto& [key, value] : file.info)
        meta[key] = value;
    meta["format"] = model_format_name;
    meta["format_version"] = model_format_version;
    meta["kind"] = file.kind;
    meta["config"] = file.config.dump();
    data_hash hash;
    for (const auto& [name, t] : file.tensors)
        hash.update(t.bytes.data(), t.bytes.size());
    meta[checksum_key] = hash.hex();
    header["__metadata__"] = meta;

    uint64_t offset = 0;
    for (const auto& [name, t] : file.tensors) {
        size_t count = 1;
        for (auto d : t.shape)
            count *= static_cast<size_t>(d);
        if (count * dtype_size(t.dtype) != t.bytes.size())
            throw error("model file: tensor '" + name + "' of shape " + shape_text(t.shape)
                        + " holds " + std::to_string(t.bytes.size()) + " bytes");
        header[name] = { { "dtype", t.dtype },
                         { "shape", t.shape },
                         { "data_offsets", { offset, offset + t.bytes.size() } } };
        offset += t.bytes.size();
    }
    std::string text = header.dump();
    text.append((8 - text.size() % 8) % 8, ' ');

    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw error("model file: cannot create '" + tmp + "'");
        const uint64_t n = text.size();
        out.write(reinterpret_cast<const char*>(&n), 8);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        for (const auto& [name, t] : file.tensors)
            out.write(reinterpret_cast<const char*>(t.bytes.data()),
                      static_cast<std::streamsize>(t.bytes.size()));
        if (!out.flush())
            throw error("model file: write to '" + tmp + "' failed");
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::remove(tmp.c_str());
        throw error("model file: cannot move '" + tmp + "' to '" + path + "'");
    }
}

model_file read_model_file(const std::string& path, const std::string& expected_kind)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw error("model file: cannot open '" + path + "' (missing or unreadable)");
    const auto file_size = static_cast<uint64_t>(in.tellg());
    in.seekg(0);
    std::vector<uint8_t> bytes(file_size);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(file_size));
    if (!in)
        throw error("model file '" + path + "': read error");
    return parse_model_file(bytes.data(), bytes.size(), path, expected_kind);
}

namespace {

model_file parse_model_bytes(const uint8_t* bytes,
                             size_t file_size,
                             const std::string& path,
                             const std::string& expected_kind)
{
    const std::string where = "model file '" + path + "': ";
    if (file_size < 8)
        throw error(where + "truncated: " + std::to_string(file_size)
                    + " bytes, expected at least an 8-byte header length");
    uint64_t n = 0;
    std::memcpy(&n, bytes, 8);
    if (n > file_size - 8)
        throw error(where + "truncated: header says " + std::to_string(n)
                    + " header bytes, file has " + std::to_string(file_size - 8)
                    + " after it");
    const std::string text(reinterpret_cast<const char*>(bytes) + 8, n);

    nlohmann::json header;
    try {
        header = parse_bounded_json(text);
    } catch (const std::exception& e) {
        throw error(where + "malformed JSON header (" + e.what() + ")");
    }
    if (!header.is_object() || !header.contains("__metadata__")
        || !header["__metadata__"].is_object())
        throw error(where
                    + "not a semsteg model (no __metadata__ in the safetensors header)");
    const auto& meta = header["__metadata__"];
    if (meta.value("format", "") != model_format_name)
        throw error(where + "not a semsteg model (format '" + meta.value("format", "")
                    + "', expected '" + model_format_name + "')");
    if (meta.value("format_version", "") != model_format_version)
        throw error(where + "unsupported format version '" + meta.value("format_version", "")
                    + "', expected '" + model_format_version + "'");

    model_file file;
    file.kind = meta.value("kind", "");
    if (!expected_kind.empty() && file.kind != expected_kind)
        throw error(where + "holds a '" + file.kind + "' network, expected '" + expected_kind
                    + "'");
    try {
        file.config = parse_bounded_json(meta.value("config", "{}"));
    } catch (const std::exception& e) {
        throw error(where + "malformed config (" + e.what() + ")");
    }
    for (const auto& [key, value] : meta.items())
        if (key != "format" && key != "format_version" && key != "kind" && key != "config"
            && key != checksum_key && value.is_string())
            file.info[key] = value.get<std::string>();

    const uint64_t data_size = file_size - 8 - n;
    const uint8_t* data = bytes + 8 + n;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__")
            continue;
        tensor_record t;
        try {
            t.dtype = entry.at("dtype").get<std::string>();
            t.shape = entry.at("shape").get<std::vector<int64_t>>();
            const auto offsets = entry.at("data_offsets").get<std::vector<uint64_t>>();
            if (offsets.size() != 2 || offsets[0] > offsets[1])
                throw error("bad data_offsets");
            if (offsets[1] > data_size)
                throw error(where + "truncated: tensor '" + name + "' ends at byte "
                            + std::to_string(offsets[1]) + " of a "
                            + std::to_string(data_size) + "-byte data buffer");
            size_t count = 1;
            for (auto d : t.shape) {
                if (d < 0)
                    throw error("negative dimension");
                // A shape whose element count overflows could match a small byte range.
                if (d > 0
                    && count
                        > std::numeric_limits<size_t>::max() / 8 / static_cast<size_t>(d))
                    throw error("shape " + shape_text(t.shape) + " is too large");
                count *= static_cast<size_t>(d);
            }
            if (count * dtype_size(t.dtype) != offsets[1] - offsets[0])
                throw error("shape " + shape_text(t.shape)
                            + " does not match its byte range");
            t.bytes.assign(data + offsets[0], data + offsets[1]);
        } catch (const error& e) {
            const std::string msg = e.what();
            throw error(msg.rfind("model file", 0) == 0
                            ? msg
                            : where + "tensor '" + name + "': " + msg);
        } catch (const std::exception& e) {
            throw error(where + "tensor '" + name + "': malformed entry (" + e.what() + ")");
        }
        file.tensors.emplace(name, std::move(t));
    }
    // Last, so that a short file still reads as truncated.
    if (meta.contains(checksum_key)) {
        data_hash hash;
        hash.update(data, data_size);
        const std::string found = hash.hex();
        if (!meta[checksum_key].is_string() || meta[checksum_key].get<std::string>() != found)
            throw error(where
                        + "corrupted: the SHA-256 of its tensor data does not match the one "
                          "in its header (the file was damaged or altered; fetch it again)");
        file.checksummed = true;
        file.data_sha256 = found;
    }
    return file;
}

} // namespace

void check_inn_codec(const model_file& inn,
                     const std::string& inn_path,
                     const model_file& codec,
                     const std::string& codec_path)
{
    const auto recorded = inn.info.find(inn_codec_key);
    if (recorded == inn.info.end() || codec.data_sha256.empty()
        || recorded->second == codec.data_sha256)
        return;
    throw error("INN '" + inn_path + "' was trained with another codec than '" + codec_path
                + "' (its codec's data SHA-256 begins " + recorded->second.substr(0, 16)
                + ", this one's " + codec.data_sha256.substr(0, 16)
                + "): on another codec's latents it gives Bob noise; pass the codec it was "
                  "trained with (its model card names it)");
}

void check_inn_codec(const std::string& inn_path, const std::string& codec_path)
{
    check_inn_codec(read_model_file(inn_path, kind_inn),
                    inn_path,
                    read_model_file(codec_path, kind_jscc),
                    codec_path);
}

void check_inn_private_codec(const model_file& inn,
                             const std::string& inn_path,
                             const model_file* private_codec,
                             const std::string& private_codec_path)
{
    const auto recorded = inn.info.find(inn_private_codec_key);
    if (recorded == inn.info.end()) {
        if (private_codec)
            throw error("INN '" + inn_path
                        + "' hides the public codec's latent: it takes no "
                          "private codec ('"
                        + private_codec_path + "' given)");
        return;
    }
    if (!private_codec)
        throw error("INN '" + inn_path
                    + "' hides a payload coded by a private codec of its "
                      "own (data SHA-256 beginning "
                    + recorded->second.substr(0, 16)
                    + "): give it (its model card names it)");
    if (private_codec->data_sha256 != recorded->second)
        throw error("INN '" + inn_path + "' was trained with another private codec than '"
                    + private_codec_path + "' (its private codec's data SHA-256 begins "
                    + recorded->second.substr(0, 16) + ", this one's "
                    + private_codec->data_sha256.substr(0, 16) + ")");
}

std::string locate_inn_private_codec(const std::string& inn_path)
{
    const auto inn = read_model_file(inn_path, kind_inn);
    if (!inn.info.count(inn_private_codec_key))
        return "";
    const auto name = inn.info.find(inn_private_codec_name_key);
    if (name == inn.info.end() || name->second.empty())
        throw error("INN '" + inn_path
                    + "' hides a payload coded by a private codec of its own but does not "
                      "name it: give it (its model card names it)");
    const auto beside = std::filesystem::path(inn_path).parent_path()
        / std::filesystem::path(name->second).filename();
    if (std::filesystem::is_regular_file(beside))
        return beside.string();
    try {
        return locate_model(name->second);
    } catch (const error& e) {
        throw error("INN '" + inn_path + "' names its private codec '" + name->second
                    + "', which is neither beside it nor found: " + e.what()
                    + "; give it with its path");
    }
}

void check_inn_codecs(const std::string& inn_path,
                      const std::string& codec_path,
                      const std::string& private_codec_path)
{
    const auto inn = read_model_file(inn_path, kind_inn);
    check_inn_codec(inn, inn_path, read_model_file(codec_path, kind_jscc), codec_path);
    if (private_codec_path.empty()) {
        check_inn_private_codec(inn, inn_path, nullptr, "");
        return;
    }
    const auto private_codec = read_model_file(private_codec_path, kind_jscc);
    check_inn_private_codec(inn, inn_path, &private_codec, private_codec_path);
}

model_file parse_model_file(const uint8_t* bytes,
                            size_t size,
                            const std::string& path,
                            const std::string& expected_kind)
{
    // Whatever the bytes, the caller gets a model or a semsteg::error (a metadata field of
    // the wrong JSON type made the JSON library throw its own exception: found by fuzzing).
    try {
        return parse_model_bytes(bytes, size, path, expected_kind);
    } catch (const error&) {
        throw;
    } catch (const std::exception& e) {
        throw error("model file '" + path + "': malformed header ("
                    + std::string(e.what()).substr(0, 200) + ")");
    }
}

} // namespace semsteg
