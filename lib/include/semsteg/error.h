/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_ERROR_H
#define INCLUDED_SEMSTEG_ERROR_H

#include <stdexcept>
#include <string>

namespace semsteg {

//! Every error the core library reports on bad input: the message says what was expected
//! and what was found. Callers (apps, blocks) catch it, report it, and carry on or exit.
class error : public std::runtime_error
{
public:
    explicit error(const std::string& what) : std::runtime_error(what) { }
};

} // namespace semsteg

#endif
