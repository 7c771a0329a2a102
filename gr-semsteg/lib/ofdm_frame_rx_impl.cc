/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ofdm_frame_rx_impl.h"
#include "frame_setup.h"
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>

namespace gr {
namespace semsteg {

namespace keys = ::semsteg::keys;
namespace phy = ::semsteg::phy;

ofdm_frame_rx::sptr ofdm_frame_rx::make(bool drop_warmup,
                                        float sc_threshold,
                                        bool mmse,
                                        int fft_len,
                                        int cp_len,
                                        const std::vector<int>& data_carriers,
                                        const std::vector<int>& pilot_carriers,
                                        const std::vector<gr_complex>& pilot_values,
                                        bool header_qpsk,
                                        int header_repetition,
                                        int max_cfo_subcarriers)
{
    const auto params = frame_layout("ofdm_frame_rx",
                                     fft_len,
                                     cp_len,
                                     data_carriers,
                                     pilot_carriers,
                                     pilot_values,
                                     header_qpsk,
                                     header_repetition);
    if (!(sc_threshold > 0.0f && sc_threshold < 1.0f))
        throw std::invalid_argument("ofdm_frame_rx: sc_threshold must be in (0, 1), got "
                                    + std::to_string(sc_threshold));
    if (max_cfo_subcarriers < 0 || max_cfo_subcarriers >= params.fft_len / 4)
        throw std::invalid_argument("ofdm_frame_rx: max_cfo_subcarriers must be in [0, "
                                    + std::to_string(params.fft_len / 4) + "), got "
                                    + std::to_string(max_cfo_subcarriers));
    phy::receiver_config cfg;
    cfg.sc_threshold = sc_threshold;
    cfg.mmse_equalizer = mmse;
    cfg.max_cfo_subcarriers = max_cfo_subcarriers;
    return gnuradio::make_block_sptr<ofdm_frame_rx_impl>(drop_warmup, params, cfg);
}

ofdm_frame_rx_impl::ofdm_frame_rx_impl(bool drop_warmup,
                                       const phy::frame_params& params,
                                       const phy::receiver_config& config)
    : gr::sync_block("ofdm_frame_rx",
                     gr::io_signature::make(1, 1, sizeof(gr_complex)),
                     gr::io_signature::make(0, 0, 0))
    , d_rx(params, config)
    , d_drop_warmup(drop_warmup)
{
    message_port_register_out(pmt::mp("out"));
    message_port_register_out(pmt::mp("stats"));
}

int ofdm_frame_rx_impl::work(int noutput_items,
                             gr_vector_const_void_star& input_items,
                             gr_vector_void_star&)
{
    const auto* in = static_cast<const gr_complex*>(input_items[0]);
    d_frames.clear();
    d_rx.push(in, static_cast<size_t>(noutput_items), d_frames);

    uint64_t warmup = 0;
    for (const auto& f : d_frames) {
        if (f.header.flags & phy::flag_warmup) {
            ++warmup;
            if (d_drop_warmup)
                continue;
        }
        pmt::pmt_t meta = pmt::make_dict();
        auto set = [&meta](const char* key, const pmt::pmt_t& v) {
            meta = pmt::dict_add(meta, pmt::intern(key), v);
        };
        set(keys::seq, pmt::from_long(f.header.seq));
        set(keys::image_id, pmt::from_long(f.header.image_id));
        set(keys::num_symbols, pmt::from_long(f.header.num_symbols));
        set(keys::payload_ofdm_symbols, pmt::from_long(f.header.payload_ofdm_symbols));
        set(keys::flags, pmt::from_long(f.header.flags));
        if (f.header.has_nonce())
            set(keys::nonce, pmt::from_uint64(f.header.nonce));
        set(keys::snr_est_db, pmt::from_double(f.snr_est_db));
        set(keys::cfo_est, pmt::from_double(f.cfo_est));
        set(keys::noise_var, pmt::from_double(f.noise_var));
        set(keys::crc_ok, pmt::from_bool(f.crc_ok));
        set(keys::rx_sample, pmt::from_uint64(f.start_sample));
        message_port_pub(pmt::mp("out"),
                         pmt::cons(meta, pmt::init_c32vector(f.symbols.size(), f.symbols)));
    }

    const phy::receiver_counters& c = d_rx.counters();
    bool changed;
    {
        std::lock_guard<std::mutex> lock(d_mutex);
        changed = warmup != 0 || c.detected != d_counters.detected
            || c.false_alarms != d_counters.false_alarms;
        d_counters = c;
        d_warmup += warmup;
    }
    if (changed)
        publish_stats();
    return noutput_items;
}

void ofdm_frame_rx_impl::publish_stats()
{
    pmt::pmt_t d = pmt::make_dict();
    std::lock_guard<std::mutex> lock(d_mutex);
    auto set = [&d](const char* key, uint64_t v) {
        d = pmt::dict_add(d, pmt::intern(key), pmt::from_uint64(v));
    };
    set("detected", d_counters.detected);
    set("delivered", d_counters.delivered);
    set("header_crc_failed", d_counters.header_crc_failed);
    set("dropped_invalid", d_counters.dropped_invalid);
    set("seq_gaps", d_counters.seq_gaps);
    set("seq_restarts", d_counters.seq_restarts);
    if (d_counters.delivered > 0) {
        set("first_seq", d_counters.first_seq);
        set("last_seq", d_counters.last_seq);
    }
    set("false_alarms", d_counters.false_alarms);
    set("warmup", d_warmup);
    message_port_pub(pmt::mp("stats"), d);
}

#define SEMSTEG_COUNTER_GETTER(name, expr)                                                   \
    uint64_t ofdm_frame_rx_impl::name() const                                                \
    {                                                                                        \
        std::lock_guard<std::mutex> lock(d_mutex);                                           \
        return expr;                                                                         \
    }
SEMSTEG_COUNTER_GETTER(detected, d_counters.detected)
SEMSTEG_COUNTER_GETTER(delivered, d_counters.delivered)
SEMSTEG_COUNTER_GETTER(header_crc_failed, d_counters.header_crc_failed)
SEMSTEG_COUNTER_GETTER(dropped_invalid, d_counters.dropped_invalid)
SEMSTEG_COUNTER_GETTER(seq_gaps, d_counters.seq_gaps)
SEMSTEG_COUNTER_GETTER(seq_restarts, d_counters.seq_restarts)
SEMSTEG_COUNTER_GETTER(false_alarms, d_counters.false_alarms)
SEMSTEG_COUNTER_GETTER(warmup, d_warmup)
#undef SEMSTEG_COUNTER_GETTER

int64_t ofdm_frame_rx_impl::first_seq() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_counters.delivered > 0 ? static_cast<int64_t>(d_counters.first_seq) : -1;
}

int64_t ofdm_frame_rx_impl::last_seq() const
{
    std::lock_guard<std::mutex> lock(d_mutex);
    return d_counters.delivered > 0 ? static_cast<int64_t>(d_counters.last_seq) : -1;
}

} /* namespace semsteg */
} /* namespace gr */
