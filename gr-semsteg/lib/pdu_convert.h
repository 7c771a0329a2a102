/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PDU_CONVERT_H
#define INCLUDED_SEMSTEG_PDU_CONVERT_H

// The one place that turns the semantic blocks' PDUs into images / latents and back.
// Image PDU: u8vector RGB (row-major, interleaved) + "width"/"height". Latent PDU:
// c32vector of channel symbols. Every reader throws std::invalid_argument with a message
// that says what was wrong; the blocks log it and drop the message.

#include <complex>
#include <cstdint>
#include <exception>
#include <optional>
#include <pmt/pmt.h>
#include <semsteg/image.h>
#include <string>
#include <vector>

namespace gr {
namespace semsteg {

struct pdu_parts {
    pmt::pmt_t meta; //!< a dict
    pmt::pmt_t vec;
};

//! Splits a PDU (pair of dict and uniform vector); throws when it is not one.
pdu_parts split_pdu(const pmt::pmt_t& msg);

::semsteg::image pdu_to_image(const pdu_parts& pdu);
pmt::pmt_t image_to_pdu(const ::semsteg::image& img, pmt::pmt_t meta);

std::vector<std::complex<float>> pdu_to_symbols(const pdu_parts& pdu);
pmt::pmt_t symbols_to_pdu(const std::vector<std::complex<float>>& symbols, pmt::pmt_t meta);

//! Integer metadata `key` (any PMT integer type) or `fallback` when absent/not integer.
int64_t meta_int(const pmt::pmt_t& meta, const char* key, int64_t fallback);
bool meta_has(const pmt::pmt_t& meta, const char* key);
//! Unsigned 64-bit metadata `key` (a PMT uint64 or a non-negative integer), e.g. the
//! nonce; nullopt when absent; std::invalid_argument when present with another value.
std::optional<uint64_t> meta_uint64(const pmt::pmt_t& meta, const char* key);
pmt::pmt_t meta_set(pmt::pmt_t meta, const char* key, const pmt::pmt_t& value);
std::string meta_string(const pmt::pmt_t& meta, const char* key, const std::string& fallback);

/*!
 * Runs `handle(msg)` for one message; any exception is logged through `logger` as
 * "<what>: <reason>" and counted in `dropped`: bad input never leaves a block's handler.
 * Returns whether the message was handled.
 */
template <typename Logger, typename Counter, typename Handler>
bool handle_or_drop(const Logger& logger,
                    const char* what,
                    Counter& dropped,
                    const Handler& handle)
{
    try {
        handle();
        return true;
    } catch (const std::exception& e) {
        ++dropped;
        logger->error("{}: dropped: {}", what, e.what());
        return false;
    }
}

} // namespace semsteg
} // namespace gr

#endif
