/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ofdm_frame_tx_impl.h"
#include "frame_setup.h"
#include "pdu_convert.h"
#include <algorithm>
#include <gnuradio/io_signature.h>
#include <optional>
#include <random>
#include <semsteg/error.h>
#include <semsteg/metadata_keys.h>

namespace gr {
namespace semsteg {

namespace keys = ::semsteg::keys;
namespace phy = ::semsteg::phy;

namespace {

//! Reads an unsigned integer from the metadata dict, or `fallback` when absent or not a
//! number.
uint64_t
meta_uint(const pmt::pmt_t& meta, const char* key, uint64_t fallback, bool* found = nullptr)
{
    const pmt::pmt_t v = pmt::dict_ref(meta, pmt::intern(key), pmt::PMT_NIL);
    if (found)
        *found = true;
    if (pmt::is_uint64(v))
        return pmt::to_uint64(v);
    if (pmt::is_integer(v))
        return static_cast<uint64_t>(pmt::to_long(v));
    if (found)
        *found = false;
    return fallback;
}

} // namespace

ofdm_frame_tx::sptr ofdm_frame_tx::make(int warmup_frames,
                                        int pad_samples,
                                        const std::string& len_tag_key,
                                        int fft_len,
                                        int cp_len,
                                        const std::vector<int>& data_carriers,
                                        const std::vector<int>& pilot_carriers,
                                        const std::vector<gr_complex>& pilot_values,
                                        bool header_qpsk,
                                        int header_repetition)
{
    return gnuradio::make_block_sptr<ofdm_frame_tx_impl>(warmup_frames,
                                                         pad_samples,
                                                         len_tag_key,
                                                         frame_layout("ofdm_frame_tx",
                                                                      fft_len,
                                                                      cp_len,
                                                                      data_carriers,
                                                                      pilot_carriers,
                                                                      pilot_values,
                                                                      header_qpsk,
                                                                      header_repetition));
}

ofdm_frame_tx_impl::ofdm_frame_tx_impl(int warmup_frames,
                                       int pad_samples,
                                       const std::string& len_tag_key,
                                       const phy::frame_params& params)
    : gr::block("ofdm_frame_tx",
                gr::io_signature::make(0, 0, 0),
                gr::io_signature::make(1, 1, sizeof(gr_complex)))
    , d_tx(params)
    , d_warmup_frames(std::max(warmup_frames, 0))
    , d_pad_samples(std::max(pad_samples, 0))
    , d_len_tag_key(len_tag_key.empty() ? pmt::PMT_NIL : pmt::intern(len_tag_key))
{
    message_port_register_in(pmt::mp("in"));
    set_msg_handler(pmt::mp("in"), [this](const pmt::pmt_t& msg) { handle_pdu(msg); });
    // Tags are placed by this block; nothing to propagate (and no inputs anyway).
    set_tag_propagation_policy(TPP_DONT);
}

bool ofdm_frame_tx_impl::start()
{
    // Warm-up frames: a short, fixed latent-like payload, flagged so receivers drop them.
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.0f, std::sqrt(0.5f));
    std::vector<gr_complex> symbols(96);
    for (auto& s : symbols)
        s = gr_complex(g(rng), g(rng));
    std::lock_guard<std::mutex> lock(d_mutex);
    for (int i = 0; i < d_warmup_frames; ++i)
        queue_frame(symbols.data(), symbols.size(), d_next_seq++, 0, phy::flag_warmup);
    return block::start();
}

void ofdm_frame_tx_impl::queue_frame(const gr_complex* symbols,
                                     size_t n,
                                     uint32_t seq,
                                     uint32_t image_id,
                                     uint8_t flags,
                                     std::optional<uint64_t> nonce)
{
    burst b;
    b.samples = d_tx.modulate(symbols, n, seq, image_id, flags, nonce);
    b.signal_len = b.samples.size();
    b.samples.resize(b.signal_len + d_pad_samples, gr_complex(0.0f, 0.0f));
    d_queue.push_back(std::move(b));
}

void ofdm_frame_tx_impl::handle_pdu(const pmt::pmt_t& msg)
{
    if (!pmt::is_pair(msg) || !pmt::is_c32vector(pmt::cdr(msg))) {
        d_logger->warn("dropping message: not a PDU of complex64 latent symbols");
        ++d_pdus_dropped;
        return;
    }
    const pmt::pmt_t meta = pmt::is_dict(pmt::car(msg)) ? pmt::car(msg) : pmt::make_dict();
    size_t n = 0;
    const gr_complex* symbols = pmt::c32vector_elements(pmt::cdr(msg), n);
    std::optional<uint64_t> nonce; // keyed hiding's per-image nonce, into the header
    try {
        nonce = meta_uint64(meta, keys::nonce);
    } catch (const std::invalid_argument& e) {
        d_logger->warn("dropping PDU: {}", e.what());
        ++d_pdus_dropped;
        return;
    }
    std::lock_guard<std::mutex> lock(d_mutex);
    bool has_seq = false;
    const auto seq = static_cast<uint32_t>(meta_uint(meta, keys::seq, d_next_seq, &has_seq));
    d_next_seq = seq + 1;
    const auto image_id = static_cast<uint32_t>(meta_uint(meta, keys::image_id, 0));
    const auto flags = static_cast<uint8_t>(meta_uint(meta, keys::flags, 0));
    try {
        queue_frame(symbols, n, seq, image_id, flags, nonce);
    } catch (const ::semsteg::error& e) {
        d_logger->warn("dropping PDU: {}", e.what());
        ++d_pdus_dropped;
    }
}

int ofdm_frame_tx_impl::general_work(int noutput_items,
                                     gr_vector_int&,
                                     gr_vector_const_void_star&,
                                     gr_vector_void_star& output_items)
{
    auto* out = static_cast<gr_complex*>(output_items[0]);
    std::lock_guard<std::mutex> lock(d_mutex);
    int produced = 0;
    while (produced < noutput_items && !d_queue.empty()) {
        const burst& b = d_queue.front();
        const uint64_t abs = nitems_written(0) + produced;
        if (d_pos == 0) {
            add_item_tag(0, abs, pmt::intern(keys::tx_sob), pmt::PMT_T, alias_pmt());
            if (!pmt::is_null(d_len_tag_key))
                add_item_tag(
                    0, abs, d_len_tag_key, pmt::from_long(b.samples.size()), alias_pmt());
        }
        const size_t n = std::min(static_cast<size_t>(noutput_items - produced),
                                  b.samples.size() - d_pos);
        // tx_eob on the last sample of the burst proper (the padding is silence anyway).
        if (d_pos < b.signal_len && d_pos + n >= b.signal_len)
            add_item_tag(0,
                         abs + (b.signal_len - 1 - d_pos),
                         pmt::intern(keys::tx_eob),
                         pmt::PMT_T,
                         alias_pmt());
        std::copy(b.samples.begin() + d_pos, b.samples.begin() + d_pos + n, out + produced);
        produced += static_cast<int>(n);
        d_pos += n;
        if (d_pos == b.samples.size()) {
            d_queue.pop_front();
            d_pos = 0;
            ++d_frames_sent;
        }
    }
    // Nothing queued: returning 0 parks the block until the next message arrives.
    return produced;
}

} /* namespace semsteg */
} /* namespace gr */
