/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Image files (PNG, JPEG, BMP, ... through stb_image) from any folder a user names, or a
// PDU: an image or a semsteg::error.
#include <semsteg/error.h>
#include <semsteg/image.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    // The same header check as the default 64 MP, at a size that keeps executions fast.
    semsteg::set_max_image_pixels(1 << 20);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto img = semsteg::decode_image(data, size);
        if (img.rgb.size() != static_cast<size_t>(img.width) * img.height * 3)
            __builtin_trap();
    } catch (const semsteg::error&) {
    }
    return 0;
}
