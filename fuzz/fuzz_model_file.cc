/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Model files are untrusted bytes (downloaded, copied, damaged): any input is a model or a
// semsteg::error, never a crash or a sanitizer report.
#include <semsteg/error.h>
#include <semsteg/model_file.h>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    try {
        const auto file = semsteg::parse_model_file(data, size, "fuzz");
        for (const auto& [name, t] : file.tensors)
            (void)semsteg::dtype_size(t.dtype);
    } catch (const semsteg::error&) {
    }
    return 0;
}
