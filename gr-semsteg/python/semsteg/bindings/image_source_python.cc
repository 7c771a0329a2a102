/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gnuradio/semsteg/image_source.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;

void bind_image_source(py::module& m)
{
    using image_source = gr::semsteg::image_source;
    py::class_<image_source, gr::block, gr::basic_block, std::shared_ptr<image_source>>(
        m, "image_source", "Reads image files and emits image PDUs.")
        .def(py::init(&image_source::make),
             py::arg("images"),
             py::arg("side") = 64,
             py::arg("crop") = 1.0,
             py::arg("interval") = 0.5,
             py::arg("loop") = false,
             py::arg("first_image_id") = 0,
             py::arg("role") = "private")
        .def("images_sent", &image_source::images_sent)
        .def("images_skipped", &image_source::images_skipped)
        .def("num_files", &image_source::num_files)
        .def("done", &image_source::done);
    m.def("image_files",
          &gr::semsteg::image_files,
          py::arg("images"),
          "The image files an image_source reads for `images` (folder, file or list).");
}
