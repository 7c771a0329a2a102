/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The byte grammar fuzz_pdu reads PMT messages from (and make_seed_corpus writes its seeds
// in): value := tag payload, tags below; integers little-endian; a missing byte reads as 0,
// so every input is some message. Keys of dict entries: a byte < count of kFuzzedKeys picks
// a metadata key of metadata_keys.h, any other byte is followed by a symbol string.
#ifndef INCLUDED_SEMSTEG_FUZZ_PDU_GRAMMAR_H
#define INCLUDED_SEMSTEG_FUZZ_PDU_GRAMMAR_H

#include <cstdint>

namespace pdu_grammar {

enum tag : uint8_t {
    nil = 0,
    long_value = 1, //!< 8 bytes, int64
    uint64_value = 2, //!< 8 bytes
    double_value = 3, //!< 8 bytes
    bool_value = 4, //!< 1 byte
    symbol = 5, //!< length (1 byte) + characters
    u8vector = 6, //!< count (2 bytes) + bytes
    c32vector = 7, //!< count (2 bytes) + count × (float re, float im)
    f32vector = 8, //!< count (2 bytes) + count × float
    s32vector = 9, //!< count (2 bytes) + count × int32
    dict = 10, //!< entries (1 byte) + entries × (key, value)
    pair = 11, //!< value value (a PDU is pair(dict, uniform vector))
    complex_value = 12, //!< 8 bytes (float re, float im)
    tag_count = 13 //!< other tag bytes are taken modulo this
};

} // namespace pdu_grammar

#endif
