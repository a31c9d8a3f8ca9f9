# Running as an installed daemon (issue "hardening"): the install rules,
# the default paths an installed matcherd finds its files by
# (matcher/daemon/paths.c), sd_notify through libsystemd, and the Debian
# package (cpack -G DEB).  Included from the top-level CMakeLists.txt
# once the targets exist.
include(GNUInstallDirs)

# --- Where the files go ---------------------------------------------------
set(MATCHERD_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/matcherd/data")
set(MATCHERD_INSTALL_WWWDIR "${CMAKE_INSTALL_DATADIR}/matcherd/www")
set(MATCHERD_UNITDIR "lib/systemd/system")
# The configuration: /etc/matcherd for the prefix /usr (GNUInstallDirs
# makes the full sysconfdir /etc there), PREFIX/etc/matcherd otherwise.
# Relative when it is under the prefix, so that --prefix moves it too.
set(MATCHERD_CONFDIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/matcherd")
if(CMAKE_INSTALL_FULL_SYSCONFDIR STREQUAL
    "${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_SYSCONFDIR}")
  set(MATCHERD_CONFDIR_DEST "${CMAKE_INSTALL_SYSCONFDIR}/matcherd")
else()
  set(MATCHERD_CONFDIR_DEST "${MATCHERD_CONFDIR}")
endif()

# --- The default paths (matcher/daemon/paths.c) ---------------------------
# The build-tree binary uses the source tree; an installed one these paths
# relative to its own directory (the sbindir), so that an install unpacked
# under another root (DESTDIR, dpkg-deb -x) finds its own files.
function(matcherd_rel var to)
  file(RELATIVE_PATH rel "${CMAKE_INSTALL_FULL_SBINDIR}" "${to}")
  set(${var} "${rel}" PARENT_SCOPE)
endfunction()
matcherd_rel(MATCHERD_REL_CONFFILE "${MATCHERD_CONFDIR}/matcherd.conf")
matcherd_rel(MATCHERD_REL_RULESFILE "${MATCHERD_CONFDIR}/rules.conf")
matcherd_rel(MATCHERD_REL_DATADIR
  "${CMAKE_INSTALL_FULL_DATADIR}/matcherd/data")
matcherd_rel(MATCHERD_REL_WWWDIR "${CMAKE_INSTALL_FULL_DATADIR}/matcherd/www")
set_property(SOURCE ${CMAKE_SOURCE_DIR}/matcher/daemon/paths.c
  APPEND PROPERTY COMPILE_DEFINITIONS
  MATCHERD_BUILD_BINDIR="$<TARGET_FILE_DIR:matcherd>"
  MATCHERD_DATADIR="${MATCHERD_DATADIR}"
  MATCHERD_RULESFILE="${CMAKE_SOURCE_DIR}/config/rules.conf"
  MATCHERD_REL_CONFFILE="${MATCHERD_REL_CONFFILE}"
  MATCHERD_REL_RULESFILE="${MATCHERD_REL_RULESFILE}"
  MATCHERD_REL_DATADIR="${MATCHERD_REL_DATADIR}"
  MATCHERD_REL_WWWDIR="${MATCHERD_REL_WWWDIR}")

# --- sd_notify (matcher/daemon/sdnotify.c) --------------------------------
# Optional: without Debian's libsystemd-dev the notifications are no-ops.
pkg_check_modules(SYSTEMD IMPORTED_TARGET libsystemd)
if(SYSTEMD_FOUND)
  set_property(SOURCE ${CMAKE_SOURCE_DIR}/matcher/daemon/sdnotify.c
    APPEND PROPERTY COMPILE_DEFINITIONS HAVE_SYSTEMD)
  target_link_libraries(matcher_daemon PUBLIC PkgConfig::SYSTEMD)
else()
  message(STATUS "libsystemd not found: no sd_notify (Type=notify needs it)")
endif()

# --- Install rules --------------------------------------------------------
install(TARGETS matcherd DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS matchctl DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/matcher/data/
  DESTINATION ${MATCHERD_INSTALL_DATADIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/matcher/www/
  DESTINATION ${MATCHERD_INSTALL_WWWDIR})

# The installed matcherd.conf is config/matcherd.conf with one change: it
# names the installed users file, so that the daemon starts with
# [auth] required = yes (and nobody is let in until users are added).
file(READ ${CMAKE_SOURCE_DIR}/config/matcherd.conf MATCHERD_CONF_TEXT)
string(REPLACE "\nusers = \"\"\n" "\nusers = \"${MATCHERD_CONFDIR}/users\"\n"
  MATCHERD_CONF_INSTALLED "${MATCHERD_CONF_TEXT}")
if(MATCHERD_CONF_INSTALLED STREQUAL MATCHERD_CONF_TEXT)
  message(FATAL_ERROR "config/matcherd.conf has no 'users = \"\"' line to "
    "point at ${MATCHERD_CONFDIR}/users")
endif()
file(WRITE ${CMAKE_BINARY_DIR}/install/matcherd.conf
  "${MATCHERD_CONF_INSTALLED}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/config/matcherd.conf)
install(FILES ${CMAKE_SOURCE_DIR}/config/rules.conf
  DESTINATION ${MATCHERD_CONFDIR_DEST})
# The Redis password and the token hashes: not for every local user to
# read (the postinst gives them to the group matcherd).
install(FILES ${CMAKE_BINARY_DIR}/install/matcherd.conf
  ${CMAKE_SOURCE_DIR}/config/users DESTINATION ${MATCHERD_CONFDIR_DEST}
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

# The unit and the postinst name /usr/sbin and /etc/matcherd; other
# prefixes get theirs.
function(matcherd_for_prefix src out)
  file(READ ${src} text)
  string(REPLACE "/usr/sbin/matcherd" "${CMAKE_INSTALL_FULL_SBINDIR}/matcherd"
    text "${text}")
  string(REPLACE "/etc/matcherd" "${MATCHERD_CONFDIR}" text "${text}")
  file(WRITE ${out} "${text}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${src})
endfunction()
matcherd_for_prefix(${CMAKE_SOURCE_DIR}/config/matcherd.service
  ${CMAKE_BINARY_DIR}/install/matcherd.service)
install(FILES ${CMAKE_BINARY_DIR}/install/matcherd.service
  DESTINATION ${MATCHERD_UNITDIR})

install(FILES ${CMAKE_SOURCE_DIR}/docs/man/matchctl.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/matcherd.conf.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/docs/man/matcherd.8
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
file(GLOB MATCHERD_DOCS ${CMAKE_SOURCE_DIR}/docs/*.md)
install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/proto/PROTOCOL.md
  ${MATCHERD_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# --- The Debian package: cpack -G DEB -------------------------------------
# Made from a build configured with -DCMAKE_INSTALL_PREFIX=/usr (README,
# "Installing"): the package's layout is the build's prefix, the one the
# paths above were computed for.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME matcherd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "job-matching daemon for employment advisers")
set(CPACK_PACKAGE_DESCRIPTION "matcherd keeps pools of job seekers in \
Redis, scores them against job offers and serves the ranked suggestions \
over MessagePack-RPC and an HTTP/JSON API with the advisers' page.")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER
  "matcherd maintainers <maintainers@users.noreply.r-seed-a3bd53d2.example>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The libraries from dpkg-shlibdeps (dpkg-dev) when it is there, else the
# Debian 12 packages of the libraries matcherd links.
find_program(MATCHERD_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(MATCHERD_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, libc6, libevent-2.1-7, \
libevent-openssl-2.1-7, libhiredis0.14, libmsgpackc2, libpcre2-8-0, \
libjansson4, libinih1, libcsv3, libssl3, libsystemd0")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "redis-server")
# dpkg keeps the administrator's edits of these across upgrades.
file(WRITE ${CMAKE_BINARY_DIR}/install/conffiles
  "${MATCHERD_CONFDIR}/matcherd.conf\n${MATCHERD_CONFDIR}/rules.conf\n"
  "${MATCHERD_CONFDIR}/users\n")
matcherd_for_prefix(${CMAKE_SOURCE_DIR}/config/debian/postinst
  ${CMAKE_BINARY_DIR}/install/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_BINARY_DIR}/install/conffiles
  ${CMAKE_BINARY_DIR}/install/postinst
  ${CMAKE_SOURCE_DIR}/config/debian/prerm
  ${CMAKE_SOURCE_DIR}/config/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
include(CPack)
