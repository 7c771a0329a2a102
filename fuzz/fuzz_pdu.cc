/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// The blocks' PDU readers (gr-semsteg/lib/pdu_convert.h) and the symbol → latent mapping
// after them, on arbitrary PMT messages built from the input (pdu_grammar.h: any shape, any
// metadata value types, any vector type and length). A reader returns or throws a
// std::exception, which the blocks log and count as a drop; anything else is a bug.
#include "pdu_convert.h"
#include "pdu_grammar.h"

#include <semsteg/latent_symbols.h>
#include <semsteg/metadata_keys.h>

#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

namespace keys = semsteg::keys;
const char* const kFuzzedKeys[]
    = { keys::seq,          keys::image_id,  keys::num_symbols, keys::payload_ofdm_symbols,
        keys::flags,        keys::nonce,     keys::snr_est_db,  keys::cfo_est,
        keys::crc_ok,       keys::rx_sample, keys::noise_var,   keys::role,
        keys::shape,        keys::width,     keys::height,      keys::source_path,
        keys::host_image_id };
constexpr size_t kKeyCount = sizeof(kFuzzedKeys) / sizeof(kFuzzedKeys[0]);

class reader
{
public:
    reader(const uint8_t* data, size_t size) : d_data(data), d_size(size) { }

    template <typename T>
    T scalar()
    {
        uint8_t bytes[sizeof(T)] = {};
        for (auto& b : bytes)
            b = byte();
        T v;
        std::memcpy(&v, bytes, sizeof(T));
        return v;
    }
    uint8_t byte() { return d_pos < d_size ? d_data[d_pos++] : 0; }
    std::string text(size_t n)
    {
        std::string s;
        for (size_t i = 0; i < n && d_pos < d_size; ++i)
            s.push_back(static_cast<char>(byte()));
        return s;
    }
    bool done() const { return d_pos >= d_size; }

    pmt::pmt_t value(int depth)
    {
        using namespace pdu_grammar;
        if (depth > 8 || done())
            return pmt::PMT_NIL;
        switch (byte() % tag_count) {
        case long_value:
            return pmt::from_long(scalar<int64_t>());
        case uint64_value:
            return pmt::from_uint64(scalar<uint64_t>());
        case double_value:
            return pmt::from_double(scalar<double>());
        case bool_value:
            return pmt::from_bool(byte() & 1);
        case symbol:
            return pmt::intern(text(byte()));
        case u8vector: {
            std::vector<uint8_t> v(scalar<uint16_t>());
            for (auto& x : v)
                x = byte();
            return pmt::init_u8vector(v.size(), v);
        }
        case c32vector: {
            std::vector<std::complex<float>> v(scalar<uint16_t>());
            for (auto& x : v)
                x = { scalar<float>(), scalar<float>() };
            return pmt::init_c32vector(v.size(), v);
        }
        case f32vector: {
            std::vector<float> v(scalar<uint16_t>());
            for (auto& x : v)
                x = scalar<float>();
            return pmt::init_f32vector(v.size(), v);
        }
        case s32vector: {
            std::vector<int32_t> v(scalar<uint16_t>());
            for (auto& x : v)
                x = scalar<int32_t>();
            return pmt::init_s32vector(v.size(), v);
        }
        case dict: {
            auto d = pmt::make_dict();
            for (int n = byte(); n > 0 && !done(); --n) {
                const uint8_t k = byte();
                const auto key
                    = k < kKeyCount ? pmt::intern(kFuzzedKeys[k]) : pmt::intern(text(byte()));
                d = pmt::dict_add(d, key, value(depth + 1));
            }
            return d;
        }
        case pair: {
            auto car = value(depth + 1);
            return pmt::cons(car, value(depth + 1));
        }
        case complex_value: {
            const float re = scalar<float>();
            return pmt::from_complex(re, scalar<float>());
        }
        default:
            return pmt::PMT_NIL;
        }
    }

private:
    const uint8_t* d_data;
    size_t d_size;
    size_t d_pos = 0;
};

// What the blocks do with a PDU, each step a place where hostile input may arrive.
void handle(const pmt::pmt_t& msg)
{
    using namespace gr::semsteg;
    const auto pdu = split_pdu(msg);
    for (const char* key : kFuzzedKeys) {
        (void)meta_has(pdu.meta, key);
        (void)meta_int(pdu.meta, key, -1);
        (void)meta_string(pdu.meta, key, "");
        try {
            (void)meta_uint64(pdu.meta, key);
        } catch (const std::invalid_argument&) {
        }
    }
    try {
        const auto symbols = pdu_to_symbols(pdu);
        auto reals = semsteg::symbols_to_latent(symbols.data(), symbols.size());
        semsteg::normalize_power(reals.data(), reals.size());
        const auto back = semsteg::latent_to_symbols(reals.data(), reals.size());
        (void)symbols_to_pdu(back, pdu.meta);
    } catch (const std::invalid_argument&) {
    }
    try {
        (void)image_to_pdu(pdu_to_image(pdu), pdu.meta);
    } catch (const std::invalid_argument&) {
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    reader in(data, size);
    const auto msg = in.value(0);
    try {
        handle(msg);
    } catch (const std::exception&) {
        // a clear error: the block logs it and counts a drop
    }
    return 0;
}
