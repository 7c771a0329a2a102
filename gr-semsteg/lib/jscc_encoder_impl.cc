/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "jscc_encoder_impl.h"
#include "block_setup.h"
#include "pdu_convert.h"
#include <cmath>
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>
#include <stdexcept>

namespace gr {
namespace semsteg {

jscc_encoder::sptr
jscc_encoder::make(const std::string& model_path, int threads, double snr_db)
{
    return gnuradio::make_block_sptr<jscc_encoder_impl>(model_path, threads, snr_db);
}

jscc_encoder_impl::jscc_encoder_impl(const std::string& model_path,
                                     int threads,
                                     double snr_db)
    : gr::block("jscc_encoder", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_snr_db(snr_db)
    , d_codec(model_path)
{
    if (!std::isfinite(snr_db))
        throw std::invalid_argument("jscc_encoder: the target SNR must be finite");
    set_engine_threads(threads);
    message_port_register_in(pmt::mp("in"));
    message_port_register_out(pmt::mp("out"));
    set_msg_handler(pmt::mp("in"), [this](const pmt::pmt_t& msg) { handle(msg); });
}

int jscc_encoder_impl::num_symbols() const
{
    return static_cast<int>(d_codec.shape().num_symbols());
}

void jscc_encoder_impl::handle(const pmt::pmt_t& msg)
{
    handle_or_drop(d_logger, "jscc_encoder", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        const auto shape = d_codec.shape();
        const auto meta = meta_set(
            pdu.meta,
            ::semsteg::keys::shape,
            pmt::init_s32vector(
                3, std::vector<int32_t> { shape.channels, shape.height, shape.width }));
        submit_then_publish<::semsteg::symbol_vector>(
            d_logger,
            "jscc_encoder",
            d_dropped,
            d_gate,
            [&](auto done) {
                return d_codec.submit_encode(pdu_to_image(pdu), d_snr_db, std::move(done));
            },
            [this, meta](const ::semsteg::symbol_vector& symbols) {
                message_port_pub(pmt::mp("out"), symbols_to_pdu(symbols, meta));
                ++d_encoded;
            });
    });
}

} // namespace semsteg
} // namespace gr
