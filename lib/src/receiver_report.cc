/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/receiver_report.h>
#include <semsteg/text_file.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace semsteg {

namespace {

std::string cell(const std::optional<double>& v, int digits)
{
    if (!v || !std::isfinite(*v))
        return "–";
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", digits, *v);
    return buf;
}

json optional_json(const std::optional<double>& v)
{
    return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

std::optional<double> optional_field(const json& j, const char* key)
{
    if (!j.contains(key) || j[key].is_null())
        return std::nullopt;
    if (!j[key].is_number())
        throw error(std::string("receiver report: '") + key + "' must be a number or null");
    return j[key].get<double>();
}

} // namespace

json receiver_scores::to_json() const
{
    return { { "receiver", receiver },
             { "images", images },
             { "psnr_db", optional_json(psnr_db) },
             { "ms_ssim", optional_json(ms_ssim) },
             { "psnr_db_host", optional_json(psnr_db_host) },
             { "ms_ssim_host", optional_json(ms_ssim_host) } };
}

receiver_scores receiver_scores::from_json(const json& j)
{
    if (!j.is_object())
        throw error("receiver report: a receiver must be an object");
    if (!j.contains("receiver") || !j["receiver"].is_string())
        throw error("receiver report: each receiver needs a 'receiver' name (a string)");
    receiver_scores r;
    r.receiver = j["receiver"].get<std::string>();
    if (!j.contains("images") || !j["images"].is_number_integer()
        || j["images"].get<int64_t>() < 0)
        throw error("receiver report: receiver '" + r.receiver
                    + "' needs 'images', a count of at least 0");
    r.images = j["images"].get<size_t>();
    r.psnr_db = optional_field(j, "psnr_db");
    r.ms_ssim = optional_field(j, "ms_ssim");
    r.psnr_db_host = optional_field(j, "psnr_db_host");
    r.ms_ssim_host = optional_field(j, "ms_ssim_host");
    return r;
}

std::string receiver_table(const std::vector<receiver_scores>& rows)
{
    std::ostringstream md;
    md << "| receiver | images | PSNR to private (dB) | MS-SSIM to private | "
          "PSNR to host (dB) | MS-SSIM to host |\n"
       << "|---|---|---|---|---|---|";
    for (const auto& r : rows)
        md << "\n| " << r.receiver << " | " << r.images << " | " << cell(r.psnr_db, 2)
           << " | " << cell(r.ms_ssim, 3) << " | " << cell(r.psnr_db_host, 2) << " | "
           << cell(r.ms_ssim_host, 3) << " |";
    return md.str();
}

std::string write_receiver_report(const std::string& folder,
                                  const std::string& title,
                                  const std::vector<receiver_scores>& rows,
                                  const json& extra,
                                  const std::string& notes)
{
    if (!extra.is_object())
        throw error("receiver report: the run's facts must be a JSON object");
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec)
        throw error("cannot create the report folder '" + folder + "': " + ec.message());
    const std::string table = receiver_table(rows);
    std::ostringstream md;
    md << "# " << title << "\n\n";
    if (!notes.empty())
        md << notes << "\n\n";
    md << table << "\n\n";
    json j;
    j["receivers"] = json::array();
    for (const auto& r : rows)
        j["receivers"].push_back(r.to_json());
    for (const auto& [key, value] : extra.items()) {
        if (key == "receivers")
            throw error("receiver report: 'receivers' is the table's own key");
        md << "- " << key << ": "
           << (value.is_string() ? value.get<std::string>() : value.dump()) << "\n";
        j[key] = value;
    }
    write_text_file((fs::path(folder) / "metrics.md").string(), md.str());
    write_text_file((fs::path(folder) / "metrics.json").string(), j.dump(2) + "\n");
    return table;
}

} // namespace semsteg
