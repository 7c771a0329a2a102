/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_TEXT_FILE_H
#define INCLUDED_SEMSTEG_TEXT_FILE_H

#include <string>

namespace semsteg {

//! Writes `text` to `path`, replacing it; throws semsteg::error on failure (the reports
//! and tables the programs write: experiment.h, receiver_report.h).
void write_text_file(const std::string& path, const std::string& text);

} // namespace semsteg

#endif
