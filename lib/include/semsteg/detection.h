/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_DETECTION_H
#define INCLUDED_SEMSTEG_DETECTION_H

// What the reports say about a detector, kept apart from covert.h so that torch stays out
// of the report headers (experiment.h).

#include <cstdint>

namespace semsteg {

//! Eve watching N transmissions of one link rather than one (covert.h: pool_detection).
struct pooled_detection {
    int64_t transmissions = 1; //!< N: signals of one kind behind each decision
    int64_t groups = 0; //!< decisions of each kind in one shuffling (signals / N)
    double accuracy = 0.0; //!< mean over the shufflings, threshold 0 on the mean logit
    double roc_auc = 0.0; //!< mean over the shufflings
};

//! Shufflings behind each pooled figure of the reports (semsteg-eval).
constexpr int pooled_detection_shufflings = 200;

} // namespace semsteg

#endif /* INCLUDED_SEMSTEG_DETECTION_H */
