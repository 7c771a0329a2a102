/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/phy/frame_transmitter.h>

#include <algorithm>
#include <string>

namespace semsteg {
namespace phy {

frame_transmitter::frame_transmitter(const frame_params& params)
    : d_params((params.validate(), params))
    , d_header(params)
    , d_ifft(params.fft_len, false)
    , d_bins(params.fft_len)
{
    for (int c : params.data_carriers)
        d_data_bins.push_back(params.bin(c));
    for (int c : params.pilot_carriers)
        d_pilot_bins.push_back(params.bin(c));
}

void frame_transmitter::emit_symbol(const cf* bins, std::vector<cf>& out)
{
    std::copy(bins, bins + d_params.fft_len, d_ifft.input());
    d_ifft.execute();
    const cf* body = d_ifft.output();
    out.insert(out.end(), body + d_params.fft_len - d_params.cp_len, body + d_params.fft_len);
    out.insert(out.end(), body, body + d_params.fft_len);
}

std::vector<cf> frame_transmitter::modulate(const cf* symbols,
                                            size_t num_symbols,
                                            uint32_t seq,
                                            uint32_t image_id,
                                            uint8_t flags,
                                            std::optional<uint64_t> nonce)
{
    if (num_symbols == 0 || num_symbols > d_params.max_latent_symbols)
        throw error("frame_transmitter: a frame carries 1.."
                    + std::to_string(d_params.max_latent_symbols) + " latent symbols, got "
                    + std::to_string(num_symbols));
    frame_header hdr;
    hdr.flags = flags;
    hdr.seq = seq;
    hdr.image_id = image_id;
    hdr.num_symbols = static_cast<uint32_t>(num_symbols);
    if (nonce)
        hdr.set_nonce(*nonce);
    hdr.payload_ofdm_symbols
        = static_cast<uint16_t>(d_params.payload_ofdm_symbols(num_symbols));
    return modulate_with_header(hdr, std::vector<cf>(symbols, symbols + num_symbols));
}

std::vector<cf> frame_transmitter::modulate_with_header(const frame_header& hdr,
                                                        const std::vector<cf>& payload)
{
    const size_t n_data = d_data_bins.size();
    const size_t payload_syms = (payload.size() + n_data - 1) / n_data;
    const size_t n_hdr = static_cast<size_t>(d_params.header_ofdm_symbols());
    std::vector<cf> out;
    out.reserve((frame_params::preamble_symbols + n_hdr + payload_syms)
                * d_params.symbol_len());

    const auto sc = d_params.sc_symbol();
    const auto ltf = d_params.ltf_symbol();
    emit_symbol(sc.data(), out);
    emit_symbol(ltf.data(), out);
    emit_symbol(ltf.data(), out);

    // Header and payload symbols share the layout: data slots + pilots with polarity
    // counted from the first header symbol.
    const auto hdr_slots = d_header.encode(hdr);
    size_t symbol_index = 0;
    auto emit_data_symbol = [&](const cf* data, size_t n_valid) {
        std::fill(d_bins.begin(), d_bins.end(), cf(0.0f));
        for (size_t i = 0; i < n_valid; ++i)
            d_bins[d_data_bins[i]] = data[i]; // the last payload symbol is zero-padded
        const float pol = d_params.pilot_polarity(symbol_index++);
        for (size_t i = 0; i < d_pilot_bins.size(); ++i)
            d_bins[d_pilot_bins[i]] = d_params.pilot_values[i] * pol;
        emit_symbol(d_bins.data(), out);
    };
    for (size_t s = 0; s < n_hdr; ++s)
        emit_data_symbol(&hdr_slots[s * n_data], n_data);
    for (size_t s = 0; s < payload_syms; ++s)
        emit_data_symbol(payload.data() + s * n_data,
                         std::min(n_data, payload.size() - s * n_data));
    return out;
}

} // namespace phy
} // namespace semsteg
