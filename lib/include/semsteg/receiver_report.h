/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_RECEIVER_REPORT_H
#define INCLUDED_SEMSTEG_RECEIVER_REPORT_H

/*!
 * \file receiver_report.h
 * The one writer of metrics.md and metrics.json, the report of a demo, a loopback run or a
 * receiver program (C++ programs directly, the Python programs through the bindings): a
 * table of receivers and their mean scores to the private and to the host image, then any
 * further facts of the run.
 */

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace semsteg {

//! One receiver's mean scores; an absent score was not measured (shown as "–" / null).
struct receiver_scores {
    std::string receiver;
    size_t images = 0;
    std::optional<double> psnr_db, ms_ssim; //!< to the private image
    std::optional<double> psnr_db_host, ms_ssim_host; //!< to the host image

    nlohmann::ordered_json to_json() const;
    //! Reads the to_json() form; throws semsteg::error naming a missing or mistyped field.
    static receiver_scores from_json(const nlohmann::ordered_json& j);
};

//! The Markdown table of the receivers.
std::string receiver_table(const std::vector<receiver_scores>& rows);

/*!
 * Writes `folder`/metrics.md (# title, `notes` when not empty, the table, then one
 * "- key: value" line per entry of `extra`, an object) and `folder`/metrics.json
 * ({"receivers": [...], and the entries of `extra`}); creates `folder`. Returns the table.
 * Throws semsteg::error when a file cannot be written or `extra` is not an object.
 */
std::string write_receiver_report(const std::string& folder,
                                  const std::string& title,
                                  const std::vector<receiver_scores>& rows,
                                  const nlohmann::ordered_json& extra
                                  = nlohmann::ordered_json::object(),
                                  const std::string& notes = "");

} // namespace semsteg

#endif
