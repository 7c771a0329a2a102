/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_OFDM_FRAME_RX_IMPL_H
#define INCLUDED_SEMSTEG_OFDM_FRAME_RX_IMPL_H

#include <gnuradio/semsteg/ofdm_frame_rx.h>
#include <mutex>
#include <semsteg/phy/frame_receiver.h>

namespace gr {
namespace semsteg {

class ofdm_frame_rx_impl : public ofdm_frame_rx
{
public:
    ofdm_frame_rx_impl(bool drop_warmup,
                       const ::semsteg::phy::frame_params& params,
                       const ::semsteg::phy::receiver_config& config);

    int work(int noutput_items,
             gr_vector_const_void_star& input_items,
             gr_vector_void_star& output_items) override;

    uint64_t detected() const override;
    uint64_t delivered() const override;
    uint64_t header_crc_failed() const override;
    uint64_t dropped_invalid() const override;
    uint64_t seq_gaps() const override;
    uint64_t seq_restarts() const override;
    int64_t first_seq() const override;
    int64_t last_seq() const override;
    uint64_t false_alarms() const override;
    uint64_t warmup() const override;

private:
    void publish_stats();

    ::semsteg::phy::frame_receiver d_rx; // used by work() only
    const bool d_drop_warmup;
    std::vector<::semsteg::phy::received_frame> d_frames;

    mutable std::mutex d_mutex; // guards the copies below (read by the getters)
    ::semsteg::phy::receiver_counters d_counters;
    uint64_t d_warmup = 0;
};

} // namespace semsteg
} // namespace gr

#endif /* INCLUDED_SEMSTEG_OFDM_FRAME_RX_IMPL_H */
