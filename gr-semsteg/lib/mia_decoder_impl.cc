/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mia_decoder_impl.h"
#include "pdu_convert.h"
#include <gnuradio/io_signature.h>
#include <semsteg/metadata_keys.h>

namespace gr {
namespace semsteg {

mia_decoder::sptr
mia_decoder::make(const std::string& model_path, const std::string& role, int threads)
{
    return gnuradio::make_block_sptr<mia_decoder_impl>(model_path, role, threads);
}

mia_decoder_impl::mia_decoder_impl(const std::string& model_path,
                                   const std::string& role,
                                   int threads)
    : gr::block("mia_decoder", io_signature::make(0, 0, 0), io_signature::make(0, 0, 0))
    , d_net(model_path)
    , d_role(role)
{
    apply_torch_threads(threads);
    message_port_register_in(pmt::mp("in"));
    message_port_register_out(pmt::mp("out"));
    set_msg_handler(pmt::mp("in"), [this](const pmt::pmt_t& msg) { handle(msg); });
}

void mia_decoder_impl::handle(const pmt::pmt_t& msg)
{
    handle_or_drop(d_logger, "mia_decoder", d_dropped, [&] {
        const auto pdu = split_pdu(msg);
        const auto symbols = pdu_to_symbols(pdu);
        const auto img = d_net.decode(symbols.data(), symbols.size());
        const auto meta = meta_set(pdu.meta, ::semsteg::keys::role, pmt::intern(d_role));
        message_port_pub(pmt::mp("out"), image_to_pdu(img, meta));
        ++d_decoded;
    });
}

} // namespace semsteg
} // namespace gr
