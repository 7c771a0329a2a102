/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_OFDM_FRAME_TX_IMPL_H
#define INCLUDED_SEMSTEG_OFDM_FRAME_TX_IMPL_H

#include <atomic>
#include <deque>
#include <gnuradio/semsteg/ofdm_frame_tx.h>
#include <mutex>
#include <optional>
#include <semsteg/phy/frame_transmitter.h>

namespace gr {
namespace semsteg {

class ofdm_frame_tx_impl : public ofdm_frame_tx
{
public:
    ofdm_frame_tx_impl(int warmup_frames,
                       int pad_samples,
                       const std::string& len_tag_key,
                       const ::semsteg::phy::frame_params& params);

    bool start() override;
    int general_work(int noutput_items,
                     gr_vector_int& ninput_items,
                     gr_vector_const_void_star& input_items,
                     gr_vector_void_star& output_items) override;

    uint64_t frames_sent() const override { return d_frames_sent; }
    uint64_t pdus_dropped() const override { return d_pdus_dropped; }
    size_t burst_samples(size_t num_symbols) const override
    {
        return d_tx.params().burst_samples(num_symbols);
    }

private:
    void handle_pdu(const pmt::pmt_t& msg);
    void queue_frame(const gr_complex* symbols,
                     size_t n,
                     uint32_t seq,
                     uint32_t image_id,
                     uint8_t flags,
                     std::optional<uint64_t> nonce = std::nullopt);

    struct burst {
        std::vector<gr_complex> samples; // burst followed by the padding zeros
        size_t signal_len; // samples of the burst itself
    };

    ::semsteg::phy::frame_transmitter d_tx; // used under d_mutex
    const int d_warmup_frames;
    const int d_pad_samples;
    const pmt::pmt_t d_len_tag_key; // PMT_NIL for none
    std::mutex d_mutex;
    std::deque<burst> d_queue;
    size_t d_pos = 0; // next sample of d_queue.front()
    uint32_t d_next_seq = 0;
    std::atomic<uint64_t> d_frames_sent { 0 };
    std::atomic<uint64_t> d_pdus_dropped { 0 };
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_OFDM_FRAME_TX_IMPL_H */
