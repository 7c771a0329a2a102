/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/ofdm_frame_rx.h>
#include <pybind11/complex.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

void bind_ofdm_frame_rx(py::module& m)
{
    using defaults = gr::semsteg::ofdm_frame_defaults;
    using ofdm_frame_rx = gr::semsteg::ofdm_frame_rx;
    py::class_<ofdm_frame_rx,
               gr::sync_block,
               gr::block,
               gr::basic_block,
               std::shared_ptr<ofdm_frame_rx>>(
        m, "ofdm_frame_rx", "OFDM frame receiver: samples in, latent-symbol PDUs out.")
        .def(py::init(&ofdm_frame_rx::make),
             py::arg("drop_warmup") = true,
             py::arg("sc_threshold") = defaults::sc_threshold,
             py::arg("mmse") = false,
             py::arg("fft_len") = defaults::fft_len,
             py::arg("cp_len") = defaults::cp_len,
             py::arg("data_carriers") = std::vector<int> {},
             py::arg("pilot_carriers") = std::vector<int> {},
             py::arg("pilot_values") = std::vector<gr_complex> {},
             py::arg("header_qpsk") = false,
             py::arg("header_repetition") = defaults::header_repetition,
             py::arg("max_cfo_subcarriers") = defaults::max_cfo_subcarriers)
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

    // The receiver's defaults (ofdm_frame.h), for GRC's QA and tools.
    py::module d = m.def_submodule(
        "ofdm_frame_defaults", "Defaults of the OFDM blocks (gnuradio/semsteg/ofdm_frame.h)");
    d.attr("fft_len") = defaults::fft_len;
    d.attr("cp_len") = defaults::cp_len;
    d.attr("header_repetition") = defaults::header_repetition;
    d.attr("sc_threshold") = defaults::sc_threshold;
    d.attr("max_cfo_subcarriers") = defaults::max_cfo_subcarriers;
}
