/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-keygen: writes a new 256-bit key file for keyed hiding (mode 0600, never over an
// existing file) and prints its public fingerprint, never the key. With --fingerprint it
// prints the fingerprint of an existing key file. Exit 1 with a clear message on error.

#include <semsteg/stego_key.h>

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app { "Create a gr-semsteg key file (the secret Alice and Bob share), or print "
                   "the fingerprint of one" };
    std::string path;
    std::string existing;
    auto* file_opt
        = app.add_option("file", path, "key file to create (refuses to overwrite one)");
    auto* fp_opt = app.add_option(
        "--fingerprint", existing, "print the fingerprint of this existing key file");
    file_opt->excludes(fp_opt);
    fp_opt->excludes(file_opt);
    app.footer("The key file is one line, 'semsteg-key-v1 <64 hex digits>', mode 0600. "
               "Copy it to the other end over a secure channel; logs name a key by its "
               "fingerprint only.");
    CLI11_PARSE(app, argc, argv);
    if (path.empty() && existing.empty()) {
        std::cerr << "semsteg-keygen: error: give a key file to create, or --fingerprint "
                     "FILE (see --help)\n";
        return 1;
    }
    try {
        const auto warn = [](const std::string& message) {
            std::cerr << "semsteg-keygen: warning: " << message << "\n";
        };
        if (!existing.empty()) {
            const auto key = semsteg::stego_key::from_file(existing, warn);
            std::cout << "fingerprint: " << key.fingerprint() << "\n";
            return 0;
        }
        semsteg::stego_key::write_new_key_file(path);
        // Read back: prints what the file really holds, and checks it parses.
        const auto key = semsteg::stego_key::from_file(path, warn);
        std::cout << "wrote key file " << path << " (mode 0600)\n"
                  << "fingerprint: " << key.fingerprint() << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "semsteg-keygen: error: " << e.what() << "\n";
        return 1;
    }
}
