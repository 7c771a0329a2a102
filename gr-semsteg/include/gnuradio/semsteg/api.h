/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_API_H
#define INCLUDED_SEMSTEG_API_H

#include <gnuradio/attributes.h>

#ifdef gnuradio_semsteg_EXPORTS
#define SEMSTEG_API __GR_ATTR_EXPORT
#else
#define SEMSTEG_API __GR_ATTR_IMPORT
#endif

#endif /* INCLUDED_SEMSTEG_API_H */
