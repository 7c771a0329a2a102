/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Key files: a key or a semsteg::error (whose message never quotes the content).
#include <semsteg/error.h>
#include <semsteg/stego_key.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const auto key = semsteg::stego_key::parse_key_file(text, "fuzz.key");
        (void)key.fingerprint();
    } catch (const semsteg::error&) {
    }
    return 0;
}
