/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/semantic_decoder.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_semantic_decoder(py::module& m)
{
    using semantic_decoder = gr::semsteg::semantic_decoder;
    py::class_<semantic_decoder,
               gr::block,
               gr::basic_block,
               std::shared_ptr<semantic_decoder>>(
        m, "semantic_decoder", "DeepJSCC decoder: latent-symbol PDU to image PDU.")
        .def(py::init(&semantic_decoder::make),
             py::arg("model_path"),
             py::arg("role") = "bob",
             py::arg("threads") = 0,
             py::arg("snr_db") = 10.0,
             py::arg("snr_from_metadata") = true)
        .def("decoded", &semantic_decoder::decoded)
        .def("dropped", &semantic_decoder::dropped);
}
