#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# trixie-pinfork.sh: builds pinfork inside a KernelCI Debian rootfs and
# installs it as the kselftest collection "pinfork" under
# /opt/kselftests/pinfork (upstream place: kernelci-core
# config/rootfs/debos/scripts/trixie-pinfork.sh, run by debos under QEMU for
# each architecture of rootfs-configs.yaml's trixie-pinfork entry). The
# run-time libraries (liburing2, libibverbs1, libfuse3-4, libnuma1) are that
# entry's extra_packages; this script removes what it installed to build.
set -e

# The pinfork repository and the revision to build: set both to the
# project's public ones before proposing this upstream.
PINFORK_GIT_URL=${PINFORK_GIT_URL:-https://git.example.org/pinfork.git}
PINFORK_REV=${PINFORK_REV:-main}
DEST=/opt/kselftests/pinfork

BUILD_DEPS="\
	ca-certificates \
	gcc \
	git \
	libc6-dev \
	libfuse3-dev \
	libibverbs-dev \
	libnuma-dev \
	liburing-dev \
	make \
	patchelf \
	pkg-config \
"

# shellcheck disable=SC2086
apt-get install --no-install-recommends -y ${BUILD_DEPS}

src=$(mktemp -d /tmp/pinfork.XXXXXX)
git clone "$PINFORK_GIT_URL" "$src"
git -C "$src" checkout "$PINFORK_REV"
# The system's libraries, not bundled ones: the rootfs has them, and the
# RDMA cases need the system's libibverbs providers.
make -C "$src" -j"$(nproc)" kselftest-tar KSELFTEST_BUNDLE_LIBS=0
mkdir -p "$DEST"
tar -C "$DEST" -xzf "$src/build/pinfork-kselftest.tar.gz"
"$DEST/run_kselftest.sh" -l

rm -rf "$src"
# shellcheck disable=SC2086
apt-get remove --purge -y ${BUILD_DEPS}
apt-get autoremove --purge -y
apt-get clean
