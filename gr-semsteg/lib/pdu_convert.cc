/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pdu_convert.h"
#include <algorithm>
#include <cmath>
#include <semsteg/metadata_keys.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

namespace keys = ::semsteg::keys;

pdu_parts split_pdu(const pmt::pmt_t& msg)
{
    if (!pmt::is_pair(msg))
        throw std::invalid_argument("message is not a PDU (a pair of dict and vector)");
    pdu_parts p { pmt::car(msg), pmt::cdr(msg) };
    if (pmt::is_null(p.meta))
        p.meta = pmt::make_dict();
    if (!pmt::is_dict(p.meta))
        throw std::invalid_argument("PDU metadata is not a dict");
    if (!pmt::is_uniform_vector(p.vec))
        throw std::invalid_argument("PDU vector is not a uniform vector");
    return p;
}

int64_t meta_int(const pmt::pmt_t& meta, const char* key, int64_t fallback)
{
    const auto v = pmt::dict_ref(meta, pmt::intern(key), pmt::PMT_NIL);
    if (pmt::is_uint64(v))
        return static_cast<int64_t>(pmt::to_uint64(v));
    if (pmt::is_integer(v))
        return pmt::to_long(v);
    return fallback;
}

bool meta_has(const pmt::pmt_t& meta, const char* key)
{
    return pmt::dict_has_key(meta, pmt::intern(key));
}

std::optional<uint64_t> meta_uint64(const pmt::pmt_t& meta, const char* key)
{
    if (!meta_has(meta, key))
        return std::nullopt;
    const auto v = pmt::dict_ref(meta, pmt::intern(key), pmt::PMT_NIL);
    if (pmt::is_uint64(v))
        return pmt::to_uint64(v);
    if (pmt::is_integer(v) && pmt::to_long(v) >= 0)
        return static_cast<uint64_t>(pmt::to_long(v));
    throw std::invalid_argument(std::string("metadata \"") + key
                                + "\" must be a non-negative integer (uint64), got "
                                + pmt::write_string(v));
}

pmt::pmt_t meta_set(pmt::pmt_t meta, const char* key, const pmt::pmt_t& value)
{
    return pmt::dict_add(meta, pmt::intern(key), value);
}

std::string meta_string(const pmt::pmt_t& meta, const char* key, const std::string& fallback)
{
    const auto v = pmt::dict_ref(meta, pmt::intern(key), pmt::PMT_NIL);
    return pmt::is_symbol(v) ? pmt::symbol_to_string(v) : fallback;
}

::semsteg::image pdu_to_image(const pdu_parts& pdu)
{
    if (!pmt::is_u8vector(pdu.vec))
        throw std::invalid_argument("image PDU vector is not u8 (RGB bytes)");
    const int64_t w = meta_int(pdu.meta, keys::width, -1);
    const int64_t h = meta_int(pdu.meta, keys::height, -1);
    if (w <= 0 || h <= 0 || w > 16384 || h > 16384)
        throw std::invalid_argument("image PDU without a valid \"width\"/\"height\"");
    size_t len = 0;
    const uint8_t* data = pmt::u8vector_elements(pdu.vec, len);
    if (len != static_cast<size_t>(w * h * 3))
        throw std::invalid_argument("image PDU of " + std::to_string(len) + " bytes for "
                                    + std::to_string(w) + "x" + std::to_string(h)
                                    + " RGB (expected " + std::to_string(w * h * 3) + ")");
    ::semsteg::image img(static_cast<int>(w), static_cast<int>(h));
    std::transform(data, data + len, img.rgb.begin(), [](uint8_t v) { return v / 255.0f; });
    return img;
}

pmt::pmt_t image_to_pdu(const ::semsteg::image& img, pmt::pmt_t meta)
{
    std::vector<uint8_t> bytes(img.rgb.size());
    std::transform(img.rgb.begin(), img.rgb.end(), bytes.begin(), [](float v) {
        return static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
    });
    meta = meta_set(meta, keys::width, pmt::from_long(img.width));
    meta = meta_set(meta, keys::height, pmt::from_long(img.height));
    return pmt::cons(meta, pmt::init_u8vector(bytes.size(), bytes));
}

std::vector<std::complex<float>> pdu_to_symbols(const pdu_parts& pdu)
{
    if (!pmt::is_c32vector(pdu.vec))
        throw std::invalid_argument("latent PDU vector is not complex64");
    size_t len = 0;
    const auto* data = pmt::c32vector_elements(pdu.vec, len);
    if (len == 0)
        throw std::invalid_argument("latent PDU is empty");
    for (size_t i = 0; i < len; ++i)
        if (!std::isfinite(data[i].real()) || !std::isfinite(data[i].imag()))
            throw std::invalid_argument("latent symbol " + std::to_string(i)
                                        + " is not finite");
    return { data, data + len };
}

pmt::pmt_t symbols_to_pdu(const std::vector<std::complex<float>>& symbols, pmt::pmt_t meta)
{
    meta = meta_set(meta, keys::num_symbols, pmt::from_long(symbols.size()));
    return pmt::cons(meta, pmt::init_c32vector(symbols.size(), symbols));
}

} // namespace semsteg
} // namespace gr
