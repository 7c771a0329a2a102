/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/ofdm_frame_tx.h>
#include <pybind11/pybind11.h>
#include <semsteg/phy/frame_params.h>

namespace py = pybind11;

void bind_ofdm_frame_tx(py::module& m)
{
    using ofdm_frame_tx = gr::semsteg::ofdm_frame_tx;
    py::class_<ofdm_frame_tx, gr::block, gr::basic_block, std::shared_ptr<ofdm_frame_tx>>(
        m, "ofdm_frame_tx", "OFDM frame transmitter: latent-symbol PDUs in, bursts out.")
        .def(py::init(&ofdm_frame_tx::make),
             py::arg("warmup_frames") = 0,
             py::arg("pad_samples") = 0,
             py::arg("len_tag_key") = "packet_len")
        .def("frames_sent", &ofdm_frame_tx::frames_sent)
        .def("pdus_dropped", &ofdm_frame_tx::pdus_dropped)
        .def_static(
            "burst_samples",
            [](size_t num_symbols) {
                return semsteg::phy::frame_params().burst_samples(num_symbols);
            },
            py::arg("num_symbols"),
            "Samples of the burst (padding not included) that carries num_symbols latent "
            "symbols, with the block's frame parameters (semsteg/phy/frame_params.h).");
}
