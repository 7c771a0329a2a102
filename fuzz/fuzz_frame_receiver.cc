/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The frame receiver fed arbitrary samples (interpreted as complex floats, NaN and
// infinity included, pushed in chunks whose sizes come from the input too): frames are
// delivered or counted as dropped; the receiver never crashes, never reads out of bounds
// and keeps its buffer bounded.
#include <semsteg/phy/frame_receiver.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace semsteg::phy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    // The first byte picks the chunk size (1 to 256 samples), the rest are samples.
    const size_t chunk = static_cast<size_t>(data[0]) + 1;
    std::vector<cf> samples((size - 1) / sizeof(cf));
    if (samples.empty())
        return 0;
    std::memcpy(samples.data(), data + 1, samples.size() * sizeof(cf));
    frame_receiver rx;
    std::vector<received_frame> frames;
    for (size_t i = 0; i < samples.size(); i += chunk)
        rx.push(samples.data() + i, std::min(chunk, samples.size() - i), frames);
    for (const auto& f : frames)
        if (f.symbols.size() != f.header.num_symbols)
            __builtin_trap();
    return 0;
}
