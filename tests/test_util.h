/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_TEST_UTIL_H
#define INCLUDED_SEMSTEG_TEST_UTIL_H

#include <semsteg/error.h>

#include <filesystem>
#include <functional>
#include <string>
#include <unistd.h>

namespace semsteg::test {

//! A path in a per-process temporary folder named after the test program.
inline std::filesystem::path temp_path(const std::string& program, const std::string& name)
{
    auto dir = std::filesystem::temp_directory_path()
        / ("semsteg_" + program + "_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    return dir / name;
}

//! The message of the semsteg::error that `fn` throws, or "" if it throws none.
inline std::string error_of(const std::function<void()>& fn)
{
    try {
        fn();
    } catch (const semsteg::error& e) {
        return e.what();
    }
    return "";
}

} // namespace semsteg::test

#endif
