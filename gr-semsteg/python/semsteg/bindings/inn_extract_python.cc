/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/inn_extract.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_inn_extract(py::module& m)
{
    using inn_extract = gr::semsteg::inn_extract;
    py::class_<inn_extract, gr::block, gr::basic_block, std::shared_ptr<inn_extract>>(
        m, "inn_extract", "INN extraction: received container to the private latent (Bob).")
        .def(py::init(&inn_extract::make),
             py::arg("model_path"),
             py::arg("lost_mode") = "auto",
             py::arg("threads") = 0,
             py::arg("key_file") = "",
             py::arg("passphrase") = "")
        .def("extracted", &inn_extract::extracted)
        .def("dropped", &inn_extract::dropped);
}
