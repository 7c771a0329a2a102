/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Someone else's program using the installed codec through the torch-free facade: encodes
// an image with the shipped codec, decodes it, prints the PSNR. Usage: codec_roundtrip IMAGE
#include <semsteg/image.h>
#include <semsteg/semantic.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: codec_roundtrip IMAGE\n");
        return 2;
    }
    try {
        semsteg::facade::jscc_codec codec("jscc_awgn10.safetensors");
        const auto img
            = semsteg::prepare_image(semsteg::load_image(argv[1]), codec.image_side());
        const auto symbols = codec.encode(img, 10.0);
        const auto back = codec.decode(symbols.data(), symbols.size(), 10.0);
        std::printf("psnr_db %.2f\n", semsteg::measure_quality(img, back).psnr_db);
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "codec_roundtrip: %s\n", e.what());
        return 1;
    }
}
