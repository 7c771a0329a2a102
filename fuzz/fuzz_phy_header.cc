/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The PHY header from the air: its bytes (CRC check, field validation) and its soft values
// (Viterbi decoding of whatever the channel gives, NaN and infinity included).
#include <semsteg/phy/frame_params.h>
#include <semsteg/phy/header_codec.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace semsteg::phy;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const frame_params params;
    static const header_codec codec(params);
    if (size >= header_codec::header_bytes) {
        std::array<uint8_t, header_codec::header_bytes> bytes;
        std::memcpy(bytes.data(), data, bytes.size());
        frame_header hdr;
        if (header_codec::unpack(bytes, hdr))
            (void)header_is_valid(params, hdr);
    }
    // The input as soft values: as many complex floats as it holds, at most num_slots().
    std::vector<cf> soft(std::min(size / sizeof(cf), codec.num_slots()));
    if (!soft.empty())
        std::memcpy(soft.data(), data, soft.size() * sizeof(cf));
    frame_header hdr;
    if (codec.decode(soft.data(), soft.size(), hdr))
        (void)header_is_valid(params, hdr);
    return 0;
}
