/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef INCLUDED_SEMSTEG_DATASET_H
#define INCLUDED_SEMSTEG_DATASET_H

#include <semsteg/image.h>

#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace semsteg {

//! Image files (.jpg .jpeg .png, any case) below `folder`, recursively, sorted by path.
//! Throws semsteg::error if the folder does not exist or holds no image files.
std::vector<std::string> list_image_files(const std::string& folder);

//! A deterministic split of indices 0..n-1 into (train, validation) by `seed`.
struct index_split {
    std::vector<size_t> train;
    std::vector<size_t> validation;
};
index_split split_indices(size_t n, double validation_fraction, uint64_t seed);

//! Parses "BEGIN:END" (0-based, END exclusive, either side may be empty) against n items.
std::pair<size_t, size_t> parse_range(const std::string& text, size_t n);

/*!
 * An in-memory image set. Each file is decoded once and kept as its centred square crop
 * (side = crop_fraction × shorter side), downscaled to at most `max_side` pixels so that large
 * photos stay affordable; unreadable files are skipped and counted, never fatal.
 */
class image_set
{
public:
    struct options {
        double crop_fraction = 1.0; //!< 88/89 for the CelebA faces
        int max_side = 512; //!< stored side limit (larger crops are downscaled)
    };

    image_set() = default;
    //! Loads the given files; throws semsteg::error if none could be read.
    image_set(const std::vector<std::string>& files, const options& opts);
    //! Loads every image below `folder` (optionally only the index range BEGIN:END).
    static image_set from_folder(const std::string& folder,
                                 const options& opts,
                                 const std::string& range = ":");

    size_t size() const { return d_images.size(); }
    size_t skipped() const { return d_skipped; }
    const std::vector<std::string>& skipped_files() const { return d_skipped_files; }
    const image& stored(size_t i) const { return d_images.at(i); }
    const std::string& path(size_t i) const { return d_paths.at(i); }

    //! The deterministic model input: the stored square resized to side×side.
    image centered(size_t i, int side) const;

    /*!
     * A training sample: a random square crop whose side is a uniform fraction in
     * [min_scale, 1] of the stored square (multi-scale for large photos; e.g. 0.92..1 for
     * faces), at a random position, resized to side×side, mirrored with probability 1/2.
     */
    image random_crop(size_t i, int side, double min_scale, std::mt19937_64& rng) const;

    //! random_crop in two halves: the draws (cheap, in order from `rng`), then the pixels
    //! (costly, thread-safe), so that a batch can be cut on many threads with the same draws.
    struct crop_window {
        int x = 0, y = 0, side = 1;
        bool mirror = false;
    };
    crop_window random_crop_window(size_t i, double min_scale, std::mt19937_64& rng) const;
    image cut(size_t i, const crop_window& window, int side) const;

private:
    std::vector<image> d_images;
    std::vector<std::string> d_paths;
    size_t d_skipped = 0;
    std::vector<std::string> d_skipped_files;
};

/*!
 * Draws (host, private) index pairs from two index pools. If both pools are the same set,
 * an image is never paired with itself. Deterministic by seed.
 */
class pair_sampler
{
public:
    pair_sampler(std::vector<size_t> host_pool,
                 std::vector<size_t> private_pool,
                 uint64_t seed);
    //! One pair (host, private) with host != private whenever the pools overlap.
    std::pair<size_t, size_t> next();
    //! `count` pairs, e.g. a fixed validation list.
    std::vector<std::pair<size_t, size_t>> draw(size_t count);

private:
    std::vector<size_t> d_hosts;
    std::vector<size_t> d_privates;
    std::mt19937_64 d_rng;
};

} // namespace semsteg

#endif
