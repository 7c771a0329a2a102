/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_PHY_FRAME_RECEIVER_H
#define INCLUDED_SEMSTEG_PHY_FRAME_RECEIVER_H

#include <cstdint>
#include <semsteg/phy/channel_estimator.h>
#include <semsteg/phy/equalizer.h>
#include <semsteg/phy/fft.h>
#include <semsteg/phy/frame_params.h>
#include <semsteg/phy/header_codec.h>
#include <semsteg/phy/sync.h>
#include <utility>

namespace semsteg {
namespace phy {

//! One decoded frame.
struct received_frame {
    frame_header header;
    std::vector<cf> symbols; //!< header.num_symbols equalised latent symbols
    float snr_est_db = 0.0f; //!< preamble SNR estimate per occupied carrier
    float noise_var = 0.0f; //!< per-carrier noise variance estimate
    float cfo_est = 0.0f; //!< CFO estimate in subcarrier spacings
    bool crc_ok = true; //!< always true for delivered frames
    uint64_t start_sample = 0; //!< absolute input index of the first LTF's useful part
};

/*!
 * Frame accounting. Every burst the receiver detects ends in exactly one of delivered,
 * header_crc_failed or dropped_invalid, so detected == delivered + header_crc_failed +
 * dropped_invalid once the receiver is idle. seq_gaps counts sequence numbers skipped
 * between consecutive delivered frames (frames missed or lost; a frame whose header failed
 * its CRC is among them), so a sender's frames are all accounted for: over one sender run,
 * last_seq - first_seq + 1 = delivered + seq_gaps. A sequence number that goes back or
 * jumps by 2^16 or more is a new sender run (a restarted transmitter), counted in
 * seq_restarts and never as loss.
 */
struct receiver_counters {
    uint64_t detected = 0; //!< preambles that passed synchronisation
    uint64_t delivered = 0; //!< frames output
    uint64_t header_crc_failed = 0; //!< header CRC-32 mismatch
    uint64_t dropped_invalid = 0; //!< CRC ok but absurd fields, NaN/Inf inside, or cut short
    uint64_t seq_gaps = 0; //!< sequence numbers missing between delivered frames
    uint64_t seq_restarts = 0; //!< sender runs after the first (sequence went back)
    uint32_t first_seq = 0; //!< sequence number of the first delivered frame
    uint32_t last_seq = 0; //!< sequence number of the last delivered frame
    uint64_t false_alarms = 0; //!< SC metric crossings rejected before the header
};

struct receiver_config {
    //! Schmidl-Cox metric threshold (noise gives about 1/(fft_len/2), a frame ≈ 1).
    float sc_threshold = 0.25f;
    //! Largest |CFO| searched, in subcarrier spacings.
    int max_cfo_subcarriers = 3;
    //! Minimum normalised integer-CFO metric and LTF correlation: reject false alarms.
    float integer_cfo_min_metric = 0.1f;
    float ltf_corr_min = 0.25f;
    //! FFT windows start this many samples before the detected first path, inside the CP.
    int timing_backoff = 4;
    bool smooth_channel = true;
    bool track_amplitude = false;
    //! Per-carrier MMSE (Wiener) payload equaliser instead of zero forcing (equalizer.h):
    //! lower mean squared error on faded carriers, but the output is biased toward 0.
    bool mmse_equalizer = false;
    //! Pilot phase smoothing over ± this many payload symbols (0: per symbol only).
    int pilot_smoothing = 4;
    //! Burst-end checks. A full payload symbol with less than noise + min_symbol_energy ×
    //! signal power per carrier is a hole (the burst ended); and the mean energy per carrier
    //! of the last payload symbols (at least 2 × occupied carriers' worth) must reach noise +
    //! this × signal power, or the burst was cut short and the frame is dropped (a cut within
    //! the last ~symbol may pass).
    float min_symbol_energy = 0.15f;
    float min_tail_energy = 0.35f;
};

/*!
 * Streaming OFDM frame receiver. Push samples in chunks of any size (including 1); every
 * frame completed by the chunk is appended to `out`. Samples that are NaN or Inf are
 * replaced by zero and any frame that overlaps them is dropped (dropped_invalid).
 * Memory stays bounded: at most one frame plus a search window is buffered.
 */
class frame_receiver
{
public:
    explicit frame_receiver(const frame_params& params = frame_params(),
                            const receiver_config& config = receiver_config());

    void push(const cf* samples, size_t n, std::vector<received_frame>& out);

    const receiver_counters& counters() const { return d_counters; }
    const frame_params& params() const { return d_params; }
    //! Samples held in the internal buffer (bounded: about one frame plus 2^17 samples).
    size_t buffered_samples() const { return d_buf.size(); }
    //! Absolute number of samples pushed so far.
    uint64_t samples_consumed() const { return d_base + d_buf.size(); }

private:
    enum class state { search, preamble, payload };

    // All positions are absolute sample indices.
    bool step(std::vector<received_frame>& out); // true if progress was made
    bool try_search();
    bool try_preamble();
    bool try_payload(std::vector<received_frame>& out);
    void trim();
    bool has_nonfinite(uint64_t from, uint64_t to) const;
    const cf* at(uint64_t abs) const { return d_buf.data() + (abs - d_base); }
    uint64_t end() const { return d_base + d_buf.size(); }
    void fft_symbol(uint64_t window_start, cf* bins_out);
    void reject_after_sync(bool crc_failed);
    void refine_channel_with_header(uint64_t ltf1_window);

    frame_params d_params;
    receiver_config d_cfg;
    header_codec d_header_codec;
    sc_metric d_metric;
    integer_cfo_estimator d_int_cfo;
    channel_estimator d_chan_est;
    symbol_equalizer d_eq;
    fft_engine d_fft;
    std::vector<cf> d_ltf_time; // LTF body in time (for fine timing)
    receiver_counters d_counters;

    std::vector<cf> d_buf;
    uint64_t d_base = 0;
    std::vector<std::pair<uint64_t, uint64_t>> d_bad; // [from, to) ranges of NaN/Inf input

    state d_state = state::search;
    uint64_t d_search_pos = 0;
    // Candidate / frame in progress
    uint64_t d_cross = 0; // metric threshold crossing
    uint64_t d_ltf_start = 0; // useful start of LTF1 (first path)
    double d_eps = 0.0; // total CFO (subcarriers)
    channel_estimate d_chan;
    frame_header d_hdr;
    bool d_have_last_seq = false;
    uint32_t d_last_seq = 0;

    std::vector<cf> d_scratch, d_bins_a, d_bins_b, d_soft, d_payload_bins, d_pilot_corr,
        d_header_bins;
};

} // namespace phy
} // namespace semsteg

#endif
