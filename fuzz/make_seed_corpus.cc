/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Writes the fuzzers' seed corpus (committed in fuzz/corpus/): one valid input of each kind,
// so that fuzzing starts deep inside every parser. Usage: make_seed_corpus OUT_DIR
#include <semsteg/image.h>
#include <semsteg/model_file.h>
#include <semsteg/phy/frame_transmitter.h>
#include <semsteg/phy/header_codec.h>

#include "pdu_grammar.h"

#include <complex>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

namespace fs = std::filesystem;
using namespace semsteg;

namespace {

void write(const fs::path& path, const void* data, size_t size)
{
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: make_seed_corpus OUT_DIR\n";
        return 2;
    }
    const fs::path out = argv[1];
    for (const char* target :
         { "model_file", "image", "key_file", "phy_header", "frame_receiver", "pdu" })
        fs::create_directories(out / target);

    // A small model file (two tensors) as write_model_file makes it.
    model_file m;
    m.kind = "eve-detector";
    m.config = { { "channels", 2 }, { "width", 2 } };
    m.info["step"] = "1";
    m.tensors["c1.weight"] = { "F32", { 2, 2 }, std::vector<uint8_t>(16, 0x3f) };
    m.tensors["c1.count"] = { "I64", { 1 }, std::vector<uint8_t>(8, 1) };
    write_model_file((out / "model_file" / "seed.safetensors").string(), m);

    // An 8×6 PNG.
    image img(8, 6);
    for (size_t i = 0; i < img.rgb.size(); ++i)
        img.rgb[i] = static_cast<float>(i % 17) / 16.0f;
    save_png((out / "image" / "seed.png").string(), img);

    // A key file (a fixed, public test key: never a real one).
    const std::string key
        = "semsteg-key-v1 "
          "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
    write(out / "key_file" / "seed.key", key.data(), key.size());

    // A header: its bytes followed by its soft values (the codec's constellation points).
    const phy::frame_params params;
    phy::frame_header hdr;
    hdr.num_symbols = 8;
    hdr.payload_ofdm_symbols
        = static_cast<uint16_t>((8 + params.num_data() - 1) / params.num_data());
    hdr.seq = 7;
    hdr.image_id = 3;
    hdr.set_nonce(0x0123456789abcdefULL);
    const auto bytes = phy::header_codec::pack(hdr);
    const auto soft = phy::header_codec(params).encode(hdr);
    std::vector<uint8_t> header_seed(bytes.begin(), bytes.end());
    const auto* soft_bytes = reinterpret_cast<const uint8_t*>(soft.data());
    header_seed.insert(
        header_seed.end(), soft_bytes, soft_bytes + soft.size() * sizeof(phy::cf));
    write(out / "phy_header" / "seed.bin", header_seed.data(), header_seed.size());

    // A whole burst of 8 latent symbols with silence around it, chunk byte 63 (64 samples).
    std::vector<phy::cf> symbols(8);
    for (size_t i = 0; i < symbols.size(); ++i)
        symbols[i] = { static_cast<float>(i) / 8, -static_cast<float>(i) / 8 };
    const auto burst = phy::frame_transmitter(params).modulate(
        symbols.data(), symbols.size(), 1, 2, 0, 42);
    std::vector<phy::cf> samples(200, phy::cf {});
    samples.insert(samples.end(), burst.begin(), burst.end());
    samples.insert(samples.end(), 200, phy::cf {});
    std::vector<uint8_t> rx_seed { 63 };
    const auto* sample_bytes = reinterpret_cast<const uint8_t*>(samples.data());
    rx_seed.insert(
        rx_seed.end(), sample_bytes, sample_bytes + samples.size() * sizeof(phy::cf));
    write(out / "frame_receiver" / "seed.bin", rx_seed.data(), rx_seed.size());

    // Two PDUs in fuzz_pdu's grammar (pdu_grammar.h): a latent PDU (metadata image_id,
    // nonce; 4 symbols) and a 2×2 image PDU (width, height; 12 bytes).
    using namespace pdu_grammar;
    auto put = [](std::vector<uint8_t>& v, const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        v.insert(v.end(), b, b + n);
    };
    std::vector<uint8_t> latent_pdu { pair, dict, 2, /* image_id */ 1, long_value };
    const int64_t image_id = 3;
    const uint64_t nonce = 7;
    put(latent_pdu, &image_id, 8);
    latent_pdu.insert(latent_pdu.end(), { /* nonce */ 5, uint64_value });
    put(latent_pdu, &nonce, 8);
    const uint16_t count = 4;
    latent_pdu.push_back(c32vector);
    put(latent_pdu, &count, 2);
    put(latent_pdu, symbols.data(), count * sizeof(phy::cf));
    write(out / "pdu" / "latent.bin", latent_pdu.data(), latent_pdu.size());
    std::vector<uint8_t> image_pdu { pair, dict, 2, /* width */ 13, long_value };
    const int64_t side = 2;
    put(image_pdu, &side, 8);
    image_pdu.insert(image_pdu.end(), { /* height */ 14, long_value });
    put(image_pdu, &side, 8);
    const uint16_t rgb_bytes = 12;
    image_pdu.push_back(u8vector);
    put(image_pdu, &rgb_bytes, 2);
    for (uint8_t i = 0; i < rgb_bytes; ++i)
        image_pdu.push_back(static_cast<uint8_t>(i * 20));
    write(out / "pdu" / "image.bin", image_pdu.data(), image_pdu.size());

    std::cout << "seed corpus written to " << out
              << " (frame_receiver seed: " << rx_seed.size() << " bytes)\n";
    return 0;
}
