/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/jscc_decoder.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_jscc_decoder(py::module& m)
{
    using jscc_decoder = gr::semsteg::jscc_decoder;
    py::class_<jscc_decoder, gr::block, gr::basic_block, std::shared_ptr<jscc_decoder>>(
        m, "jscc_decoder", "DeepJSCC decoder: latent-symbol PDU to image PDU.")
        .def(py::init(&jscc_decoder::make),
             py::arg("model_path"),
             py::arg("role") = "bob",
             py::arg("threads") = 0,
             py::arg("snr_db") = 10.0,
             py::arg("snr_from_metadata") = true)
        .def("decoded", &jscc_decoder::decoded)
        .def("dropped", &jscc_decoder::dropped);
}
