# SPDX-License-Identifier: GPL-3.0-or-later
# The torch-free core and the PHY, with what they need, for the side projects that build
# them on their own with sanitizers (fuzz/). Set SEMSTEG_BUILD_TESTS first (ON adds the
# PHY's tests).
add_library(semsteg_warnings INTERFACE)
target_compile_options(semsteg_warnings INTERFACE -Wall -Wextra)
find_package(nlohmann_json 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(STB REQUIRED IMPORTED_TARGET stb)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(Volk REQUIRED)

set(SEMSTEG_CORE_ONLY ON)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../lib ${CMAKE_CURRENT_BINARY_DIR}/core)
add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../lib/phy ${CMAKE_CURRENT_BINARY_DIR}/phy)
