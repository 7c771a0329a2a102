/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/inn_embed.h>
#include <pybind11/pybind11.h>

namespace py = pybind11;

void bind_inn_embed(py::module& m)
{
    using inn_embed = gr::semsteg::inn_embed;
    py::class_<inn_embed, gr::block, gr::basic_block, std::shared_ptr<inn_embed>>(
        m,
        "inn_embed",
        "INN embedding: (host latent or image, private latent) to the container latent.")
        .def(py::init(&inn_embed::make),
             py::arg("model_path"),
             py::arg("threads") = 0,
             py::arg("max_queue") = 64,
             py::arg("key_file") = "",
             py::arg("passphrase") = "",
             py::arg("codec_model") = "",
             py::arg("snr_db") = 10.0)
        .def("needs_host_image", &inn_embed::needs_host_image)
        .def("embedded", &inn_embed::embedded)
        .def("dropped", &inn_embed::dropped);
}
