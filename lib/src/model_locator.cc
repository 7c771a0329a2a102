/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/model_locator.h>

#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;

namespace semsteg {

std::vector<std::string> model_search_path()
{
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("SEMSTEG_MODELS"); env && *env)
        dirs.emplace_back(env);
    dirs.emplace_back(SEMSTEG_INSTALLED_MODELS_DIR);
    dirs.emplace_back(SEMSTEG_SOURCE_MODELS_DIR);
    return dirs;
}

std::string locate_model(const std::string& path)
{
    if (path.empty())
        throw error("model file: no path given");
    std::error_code ec;
    if (fs::is_regular_file(path, ec))
        return path;
    const fs::path p(path);
    std::string looked = "'" + path + "'";
    if (p.is_relative() && p.has_filename()) {
        for (const auto& dir : model_search_path()) {
            const fs::path candidate = fs::path(dir) / p.filename();
            if (fs::is_regular_file(candidate, ec))
                return candidate.string();
            looked += ", '" + candidate.string() + "'";
        }
    }
    throw error("model file '" + path + "' not found (looked for " + looked
                + "; set SEMSTEG_MODELS to the folder of the models)");
}

} // namespace semsteg
