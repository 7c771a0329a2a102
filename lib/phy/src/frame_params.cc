/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/fft.h>
#include <semsteg/phy/frame_params.h>
#include <semsteg/phy/header_codec.h>

#include <algorithm>
#include <boost/crc.hpp>
#include <cmath>
#include <fftw3.h>
#include <mutex>
#include <numeric>
#include <set>
#include <string>

namespace semsteg {
namespace phy {

namespace {

//! The 127-bit maximal-length sequence of x^7 + x^4 + 1 (the IEEE 802.11 scrambler),
//! all-ones seed, as ±1. Fixed and documented so any receiver can rebuild the preamble.
std::vector<float> pn127()
{
    std::vector<float> seq(127);
    unsigned state = 0x7f;
    for (auto& s : seq) {
        const unsigned bit = ((state >> 6) ^ (state >> 3)) & 1u;
        state = ((state << 1) | bit) & 0x7fu;
        s = bit ? -1.0f : 1.0f;
    }
    return seq;
}

std::mutex& fftw_planner_mutex()
{
    // FFTW's planner is not thread-safe; execution is. Our own plans are made under this
    // mutex; fftwf_make_planner_thread_safe() (once) also protects us from, and protects,
    // other FFTW users in the process (e.g. GNU Radio's FFT blocks with their own lock).
    static std::mutex m;
    static std::once_flag once;
    std::call_once(once, [] { fftwf_make_planner_thread_safe(); });
    return m;
}

} // namespace

std::vector<int> frame_params::default_data_carriers()
{
    std::vector<int> c;
    for (int k = -26; k <= 26; ++k) {
        if (k == 0 || k == 7 || k == -7 || k == 21 || k == -21)
            continue;
        c.push_back(k);
    }
    return c;
}

namespace {

void check_symbol_lengths(int fft_len, int cp_len)
{
    if (fft_len < 16 || fft_len > 4096 || (fft_len & (fft_len - 1)) != 0)
        throw error("frame_params: fft_len must be a power of two in [16, 4096], got "
                    + std::to_string(fft_len));
    if (cp_len < 1 || cp_len >= fft_len)
        throw error("frame_params: cp_len must be in [1, fft_len), got "
                    + std::to_string(cp_len));
}

} // namespace

std::vector<int> frame_params::default_pilot_carriers() { return { -21, -7, 7, 21 }; }

std::vector<cf> frame_params::default_pilot_values() { return { 1.0f, 1.0f, 1.0f, -1.0f }; }

frame_params frame_params::from_layout(int fft_len,
                                       int cp_len,
                                       const std::vector<int>& data_carriers,
                                       const std::vector<int>& pilot_carriers,
                                       const std::vector<cf>& pilot_values,
                                       header_modulation header_mod,
                                       int header_repetition)
{
    check_symbol_lengths(fft_len, cp_len);
    frame_params p;
    p.fft_len = fft_len;
    p.cp_len = cp_len;
    if ((data_carriers.empty() || pilot_carriers.empty()) && fft_len != default_fft_len)
        throw error("frame_params: the default carrier layout is for fft_len "
                    + std::to_string(default_fft_len) + "; with fft_len "
                    + std::to_string(fft_len) + " give the data and the pilot carriers");
    if (!data_carriers.empty())
        p.data_carriers = data_carriers;
    if (!pilot_carriers.empty())
        p.pilot_carriers = pilot_carriers;
    if (!pilot_values.empty())
        p.pilot_values = pilot_values;
    else if (!pilot_carriers.empty())
        p.pilot_values.assign(pilot_carriers.size(), cf(1.0f, 0.0f));
    p.header_mod = header_mod;
    p.header_repetition = header_repetition;
    p.validate();
    return p;
}

void frame_params::validate() const
{
    check_symbol_lengths(fft_len, cp_len);
    if (data_carriers.empty())
        throw error("frame_params: no data carriers");
    if (pilot_carriers.size() != pilot_values.size() || pilot_carriers.empty())
        throw error("frame_params: need as many pilot values as pilot carriers (at least 1)");
    std::set<int> seen;
    for (int c : occupied_carriers()) {
        if (c < -fft_len / 2 || c >= fft_len / 2 || c == 0)
            throw error("frame_params: carrier " + std::to_string(c)
                        + " outside -fft_len/2..fft_len/2-1 or on DC");
        if (!seen.insert(c).second)
            throw error("frame_params: carrier " + std::to_string(c) + " used twice");
    }
    if (header_repetition < 1)
        throw error("frame_params: header_repetition must be >= 1");
    if (max_latent_symbols < 1 || payload_ofdm_symbols(max_latent_symbols) > 0xffff)
        throw error("frame_params: max_latent_symbols must fit 65535 payload OFDM symbols");
    int even = 0;
    for (int c : occupied_carriers())
        even += (c % 2 == 0);
    if (even < 8)
        throw error("frame_params: need at least 8 even occupied carriers for the SC symbol");
}

std::vector<int> frame_params::occupied_carriers() const
{
    std::vector<int> occ(data_carriers);
    occ.insert(occ.end(), pilot_carriers.begin(), pilot_carriers.end());
    std::sort(occ.begin(), occ.end());
    return occ;
}

int frame_params::header_ofdm_symbols() const
{
    const int bits = header_codec::coded_bits * header_repetition;
    const int per_symbol = num_data() * static_cast<int>(header_mod);
    return (bits + per_symbol - 1) / per_symbol;
}

size_t frame_params::payload_ofdm_symbols(size_t num_latent_symbols) const
{
    return (num_latent_symbols + num_data() - 1) / num_data();
}

size_t frame_params::burst_samples(size_t num_latent_symbols) const
{
    return (preamble_symbols + header_ofdm_symbols()
            + payload_ofdm_symbols(num_latent_symbols))
        * static_cast<size_t>(symbol_len());
}

std::vector<cf> frame_params::sc_symbol() const
{
    const auto pn = pn127();
    std::vector<cf> bins(fft_len, 0.0f);
    size_t i = 0;
    for (int c : occupied_carriers()) {
        if (c % 2 != 0)
            continue;
        bins[bin(c)] = std::sqrt(2.0f) * pn[i++ % pn.size()];
    }
    return bins;
}

std::vector<cf> frame_params::ltf_symbol() const
{
    const auto pn = pn127();
    std::vector<cf> bins(fft_len, 0.0f);
    size_t i = 40; // another phase of the same sequence than the SC symbol
    for (int c : occupied_carriers())
        bins[bin(c)] = pn[i++ % pn.size()];
    return bins;
}

float frame_params::pilot_polarity(size_t index) const
{
    static const std::vector<float> pn = pn127();
    return pn[index % pn.size()];
}

bool header_is_valid(const frame_params& params, const frame_header& hdr)
{
    // Only the current version: version 1 (no nonce) and any unknown version are rejected.
    return hdr.version == frame_header::current_version && hdr.num_symbols >= 1
        && hdr.num_symbols <= params.max_latent_symbols
        && hdr.payload_ofdm_symbols == params.payload_ofdm_symbols(hdr.num_symbols)
        && (hdr.phy_flags & ~phy_flags_known) == 0 && (hdr.has_nonce() || hdr.nonce == 0);
}

// ---------------------------------------------------------------- header_codec

header_codec::header_codec(const frame_params& params)
    : d_num_slots(static_cast<size_t>(params.header_ofdm_symbols()) * params.num_data())
    , d_bits_per_slot(static_cast<int>(params.header_mod))
{
}

std::array<uint8_t, header_codec::header_bytes> header_codec::pack(const frame_header& hdr)
{
    std::array<uint8_t, header_bytes> b {};
    auto put = [&b](int at, uint64_t v, int n) {
        for (int i = 0; i < n; ++i)
            b[at + i] = static_cast<uint8_t>(v >> (8 * i));
    };
    put(off_version, hdr.version, 1);
    put(off_flags, hdr.flags, 1);
    put(off_payload_ofdm_symbols, hdr.payload_ofdm_symbols, 2);
    put(off_seq, hdr.seq, 4);
    put(off_image_id, hdr.image_id, 4);
    put(off_num_symbols, hdr.num_symbols, 4);
    put(off_phy_flags, hdr.phy_flags, 1);
    put(off_nonce, hdr.nonce, 8);
    boost::crc_32_type crc;
    crc.process_bytes(b.data(), crc_offset);
    put(crc_offset, crc.checksum(), 4);
    return b;
}

bool header_codec::unpack(const std::array<uint8_t, header_bytes>& b, frame_header& hdr)
{
    auto get = [&b](int at, int n) {
        uint64_t v = 0;
        for (int i = 0; i < n; ++i)
            v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
        return v;
    };
    boost::crc_32_type crc;
    crc.process_bytes(b.data(), crc_offset);
    if (crc.checksum() != get(crc_offset, 4))
        return false;
    // Every field is kept as sent (reserved PHY flags and a nonce without its flag too):
    // header_is_valid() judges them, and the receiver re-encodes exactly what was sent.
    hdr.version = static_cast<uint8_t>(get(off_version, 1));
    hdr.flags = static_cast<uint8_t>(get(off_flags, 1));
    hdr.payload_ofdm_symbols = static_cast<uint16_t>(get(off_payload_ofdm_symbols, 2));
    hdr.seq = static_cast<uint32_t>(get(off_seq, 4));
    hdr.image_id = static_cast<uint32_t>(get(off_image_id, 4));
    hdr.num_symbols = static_cast<uint32_t>(get(off_num_symbols, 4));
    hdr.phy_flags = static_cast<uint8_t>(get(off_phy_flags, 1));
    hdr.nonce = get(off_nonce, 8);
    return true;
}

namespace {

// Rate-1/2, constraint-length-7 convolutional code with the generators 133 and 171 (octal).
// Register: bit 6 is the newest input, bits 0..5 the previous six (the state).
constexpr unsigned conv_g0 = 0133, conv_g1 = 0171;
constexpr int conv_memory = 6;

inline int parity(unsigned v) { return __builtin_parity(v); }

//! Coded bit c sits at interleaved position (c · 97) mod coded_bits of every copy, so that
//! neighbouring coded bits land on distant carriers and symbols.
inline size_t interleave(size_t c) { return (c * 97) % header_codec::coded_bits; }

} // namespace

std::array<uint8_t, header_codec::coded_bits>
header_codec::conv_encode(const std::array<uint8_t, header_bytes>& bytes)
{
    static_assert(coded_bits == 2 * (header_bits + conv_memory), "code layout");
    static_assert(std::gcd(97, coded_bits) == 1, "the interleaver must be a permutation");
    std::array<uint8_t, coded_bits> out {};
    unsigned state = 0;
    for (int i = 0; i < header_bits + conv_memory; ++i) {
        const unsigned b = i < header_bits ? (bytes[i / 8] >> (i % 8)) & 1u : 0u; // zero tail
        const unsigned reg = (b << conv_memory) | state;
        out[2 * i] = static_cast<uint8_t>(parity(reg & conv_g0));
        out[2 * i + 1] = static_cast<uint8_t>(parity(reg & conv_g1));
        state = reg >> 1;
    }
    return out;
}

bool header_codec::conv_decode(const std::array<float, coded_bits>& soft,
                               std::array<uint8_t, header_bytes>& bytes)
{
    // Soft Viterbi: soft > 0 means bit 0. Maximise the correlation; terminated in state 0.
    constexpr int n_states = 1 << conv_memory;
    constexpr int steps = header_bits + conv_memory;
    constexpr float minus_inf = -1e30f;
    std::array<float, n_states> metric, next;
    metric.fill(minus_inf);
    metric[0] = 0.0f;
    std::vector<uint8_t> decision(static_cast<size_t>(steps) * n_states);
    for (int t = 0; t < steps; ++t) {
        const float y0 = soft[2 * t], y1 = soft[2 * t + 1];
        for (int ns = 0; ns < n_states; ++ns) {
            const unsigned b = static_cast<unsigned>(ns) >> (conv_memory - 1);
            float best = minus_inf;
            uint8_t best_x = 0;
            for (unsigned x = 0; x < 2; ++x) {
                const unsigned s = ((static_cast<unsigned>(ns) << 1) & (n_states - 1)) | x;
                if (metric[s] <= minus_inf)
                    continue;
                const unsigned reg = (b << conv_memory) | s;
                const float bm
                    = (parity(reg & conv_g0) ? -y0 : y0) + (parity(reg & conv_g1) ? -y1 : y1);
                if (metric[s] + bm > best) {
                    best = metric[s] + bm;
                    best_x = static_cast<uint8_t>(x);
                }
            }
            next[ns] = best;
            decision[static_cast<size_t>(t) * n_states + ns] = best_x;
        }
        metric = next;
    }
    if (!(metric[0] > minus_inf))
        return false;
    bytes.fill(0);
    unsigned state = 0;
    for (int t = steps - 1; t >= 0; --t) {
        const unsigned b = state >> (conv_memory - 1);
        if (t < header_bits && b)
            bytes[t / 8] |= static_cast<uint8_t>(1u << (t % 8));
        const unsigned x = decision[static_cast<size_t>(t) * n_states + state];
        state = ((state << 1) & (n_states - 1)) | x;
    }
    return true;
}

std::vector<cf> header_codec::encode(const frame_header& hdr) const
{
    return encode_bytes(pack(hdr));
}

std::vector<cf>
header_codec::encode_bytes(const std::array<uint8_t, header_bytes>& bytes) const
{
    const auto coded = conv_encode(bytes);
    std::array<uint8_t, coded_bits> slot_bits {};
    for (size_t c = 0; c < coded_bits; ++c)
        slot_bits[interleave(c)] = coded[c];
    auto bit = [&slot_bits](size_t i) { return slot_bits[i % coded_bits]; };
    // Scrambled by the PN sequence so that repeated header bits neither make impulse-like
    // symbols (PAPR) nor mimic the SC symbol's half-period structure.
    static const std::vector<float> pn = pn127();
    std::vector<cf> out(d_num_slots);
    if (d_bits_per_slot == 1) {
        for (size_t j = 0; j < d_num_slots; ++j)
            out[j] = (bit(j) ? -1.0f : 1.0f) * pn[j % pn.size()];
    } else {
        const float a = std::sqrt(0.5f);
        for (size_t j = 0; j < d_num_slots; ++j)
            out[j] = cf(bit(2 * j) ? -a : a, bit(2 * j + 1) ? -a : a) * pn[j % pn.size()];
    }
    return out;
}

bool header_codec::decode(const cf* soft, size_t num_soft, frame_header& hdr) const
{
    if (num_soft < d_num_slots)
        return false;
    static const std::vector<float> pn = pn127();
    std::array<double, coded_bits> acc {};
    for (size_t j = 0; j < d_num_slots; ++j) {
        const cf v = soft[j] * pn[j % pn.size()];
        if (d_bits_per_slot == 1) {
            acc[j % coded_bits] += v.real();
        } else {
            acc[(2 * j) % coded_bits] += v.real();
            acc[(2 * j + 1) % coded_bits] += v.imag();
        }
    }
    // Normalised so the Viterbi metrics stay in a comfortable float range.
    double scale = 0.0;
    for (double v : acc)
        scale = std::max(scale, std::abs(v));
    if (!(scale > 0.0) || !std::isfinite(scale))
        return false;
    std::array<float, coded_bits> coded {};
    for (size_t c = 0; c < coded_bits; ++c)
        coded[c] = static_cast<float>(acc[interleave(c)] / scale);
    std::array<uint8_t, header_bytes> bytes {};
    if (!conv_decode(coded, bytes))
        return false;
    return unpack(bytes, hdr);
}

// ---------------------------------------------------------------- fft_engine

fft_engine::fft_engine(int fft_len, bool forward) : d_len(fft_len)
{
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    d_in = reinterpret_cast<cf*>(fftwf_malloc(sizeof(cf) * fft_len));
    d_out = reinterpret_cast<cf*>(fftwf_malloc(sizeof(cf) * fft_len));
    if (!d_in || !d_out)
        throw error("fft_engine: out of memory");
    std::fill(d_in, d_in + fft_len, cf(0.0f));
    d_plan = fftwf_plan_dft_1d(fft_len,
                               reinterpret_cast<fftwf_complex*>(d_in),
                               reinterpret_cast<fftwf_complex*>(d_out),
                               forward ? FFTW_FORWARD : FFTW_BACKWARD,
                               FFTW_ESTIMATE);
    if (!d_plan)
        throw error("fft_engine: FFTW could not plan a transform of "
                    + std::to_string(fft_len));
}

fft_engine::~fft_engine()
{
    std::lock_guard<std::mutex> lock(fftw_planner_mutex());
    fftwf_destroy_plan(static_cast<fftwf_plan>(d_plan));
    fftwf_free(d_in);
    fftwf_free(d_out);
}

void fft_engine::execute()
{
    fftwf_execute(static_cast<fftwf_plan>(d_plan));
    const float scale = 1.0f / std::sqrt(static_cast<float>(d_len));
    for (int i = 0; i < d_len; ++i)
        d_out[i] *= scale;
}

} // namespace phy
} // namespace semsteg
