/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/ofdm_frame_rx.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_ofdm_frame_rx(py::module& m)
{
    using ofdm_frame_rx = gr::semsteg::ofdm_frame_rx;
    py::class_<ofdm_frame_rx,
               gr::sync_block,
               gr::block,
               gr::basic_block,
               std::shared_ptr<ofdm_frame_rx>>(
        m, "ofdm_frame_rx", "OFDM frame receiver: samples in, latent-symbol PDUs out.")
        .def(py::init(&ofdm_frame_rx::make),
             py::arg("drop_warmup") = true,
             py::arg("sc_threshold") = 0.25f,
             py::arg("mmse") = false)
        .def("detected", &ofdm_frame_rx::detected)
        .def("delivered", &ofdm_frame_rx::delivered)
        .def("header_crc_failed", &ofdm_frame_rx::header_crc_failed)
        .def("dropped_invalid", &ofdm_frame_rx::dropped_invalid)
        .def("seq_gaps", &ofdm_frame_rx::seq_gaps)
        .def("seq_restarts", &ofdm_frame_rx::seq_restarts)
        .def("first_seq", &ofdm_frame_rx::first_seq)
        .def("last_seq", &ofdm_frame_rx::last_seq)
        .def("false_alarms", &ofdm_frame_rx::false_alarms)
        .def("warmup", &ofdm_frame_rx::warmup);
}
