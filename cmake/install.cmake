# Install layout and the Debian package (CPack DEB).
#
# Layout (prefix /usr unless the user chose another with CMAKE_INSTALL_PREFIX):
#   sbin/audisp-eql                              (plugin/CMakeLists.txt)
#   /etc/audit/plugins.d/audisp-eql.conf         plugins.d entry (conffile)
#   /etc/audisp-eql/audisp-eql.conf              settings (conffile)
#   /etc/audisp-eql/rules.d/                     local rules, empty
#   /etc/audit/rules.d/audisp-eql.rules          required audit rules (conffile)
#   share/audisp-eql/rules/*.toml                shipped detection rules
#   share/audisp-eql/audit/audisp-eql-extra.rules  optional audit rules
#   share/audisp-eql/selinux/                    SELinux module sources
#   share/man/man8/audisp-eql.8.gz
# The /etc files are absolute: auditd reads /etc/audit whatever our prefix. Stage with
# `DESTDIR=DIR cmake --install BUILD` (not --prefix) to keep them out of the real /etc.

# A system daemon belongs in /usr. This file is included last, after GNUInstallDirs has
# computed the full paths and plugin/ has compiled the default rule folders into audisp_app
# from them, so both are redone here for the new prefix.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
    set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
    include(GNUInstallDirs)
    get_target_property(_audisp_defs audisp_app COMPILE_DEFINITIONS)
    list(TRANSFORM _audisp_defs REPLACE "^AUDISP_EQL_INSTALLED_RULES_DIR=.*$"
         "AUDISP_EQL_INSTALLED_RULES_DIR=\"${CMAKE_INSTALL_FULL_DATADIR}/audisp-eql/rules\"")
    list(TRANSFORM _audisp_defs REPLACE "^AUDISP_EQL_LOCAL_RULES_DIR=.*$"
         "AUDISP_EQL_LOCAL_RULES_DIR=\"${CMAKE_INSTALL_FULL_SYSCONFDIR}/audisp-eql/rules.d\"")
    set_target_properties(audisp_app PROPERTIES COMPILE_DEFINITIONS "${_audisp_defs}")
endif()

set(AUDISP_EQL_ETC_DIR /etc CACHE PATH "Where the /etc files go (auditd reads /etc/audit)")
set(_etc ${AUDISP_EQL_ETC_DIR})
set(_share ${CMAKE_INSTALL_DATADIR}/audisp-eql)

install(FILES ${PROJECT_SOURCE_DIR}/conf/audisp-eql.conf
        DESTINATION ${_etc}/audit/plugins.d
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${PROJECT_SOURCE_DIR}/conf/audisp-eql.settings.conf
        DESTINATION ${_etc}/audisp-eql RENAME audisp-eql.conf
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(DIRECTORY DESTINATION ${_etc}/audisp-eql/rules.d
        DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
                              GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(FILES ${PROJECT_SOURCE_DIR}/rules/audit/audisp-eql.rules
        DESTINATION ${_etc}/audit/rules.d
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)

file(GLOB _audisp_rules CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rules/*.toml)
install(FILES ${_audisp_rules} DESTINATION ${_share}/rules)
install(FILES ${PROJECT_SOURCE_DIR}/rules/audit/audisp-eql-extra.rules
        DESTINATION ${_share}/audit)
install(FILES ${PROJECT_SOURCE_DIR}/selinux/audisp_eql.te ${PROJECT_SOURCE_DIR}/selinux/audisp_eql.fc
              ${PROJECT_SOURCE_DIR}/selinux/audisp_eql.if
        DESTINATION ${_share}/selinux)

# The man page, compressed as Debian policy wants (-n: no name or time stamp, reproducible).
find_program(GZIP_PROGRAM gzip REQUIRED)
set(_man_gz ${PROJECT_BINARY_DIR}/man/audisp-eql.8.gz)
add_custom_command(OUTPUT ${_man_gz}
    COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/plugin/audisp-eql.8
            ${PROJECT_BINARY_DIR}/man/audisp-eql.8
    COMMAND ${GZIP_PROGRAM} -9 -n -f ${PROJECT_BINARY_DIR}/man/audisp-eql.8
    DEPENDS ${PROJECT_SOURCE_DIR}/plugin/audisp-eql.8
    COMMENT "Compressing the audisp-eql(8) man page" VERBATIM)
add_custom_target(audisp-eql-man ALL DEPENDS ${_man_gz})
install(FILES ${_man_gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)

# Debian's documentation folder: the copyright file and the changelog (gzip -9n), which
# lintian requires, and the TLS forwarding example (README "Alerts over TLS").
set(_doc ${CMAKE_INSTALL_DATADIR}/doc/audisp-eql)
set(_changelog_gz ${PROJECT_BINARY_DIR}/debian/changelog.gz)
add_custom_command(OUTPUT ${_changelog_gz}
    COMMAND ${GZIP_PROGRAM} -9 -n -c ${PROJECT_SOURCE_DIR}/packaging/deb/changelog > ${_changelog_gz}
    DEPENDS ${PROJECT_SOURCE_DIR}/packaging/deb/changelog
    COMMENT "Compressing the Debian changelog" VERBATIM)
add_custom_target(audisp-eql-changelog ALL DEPENDS ${_changelog_gz})
install(FILES ${PROJECT_SOURCE_DIR}/packaging/deb/copyright ${_changelog_gz} DESTINATION ${_doc})
install(FILES ${PROJECT_SOURCE_DIR}/conf/rsyslog-tls-forward.conf.example
        DESTINATION ${_doc}/examples)

# ---------------------------------------------------------------- Debian package
# `cpack -G DEB` in the build folder. Depends: what dpkg-shlibdeps finds for the binary
# (dpkg-dev), plus auditd, which starts the plugin.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME audisp-eql)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "audisp-eql team")
set(CPACK_PACKAGE_CONTACT "audisp-eql team <audisp-eql@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Elastic EQL detection rules on Linux audit events (auditd plugin)")
# CPack puts the summary on the Description line; this is the extended text below it.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "audisp-eql is an auditd plugin and offline audit.log analyser. It rebuilds\n\
process start events from the kernel's exec records with libauparse, keeps a\n\
process table for parent information, maps events to the Elastic Common\n\
Schema and evaluates Elastic detection rules written in EQL. Alerts go to\n\
syslog, to a remote collector over UDP or TCP, or to a file.")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # no debug info in the package (a RelWithDebInfo binary is ~30 MB)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "auditd")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Everything under /etc is a conffile: dpkg keeps the admin's edits on upgrade and remove.
set(_conffiles ${PROJECT_BINARY_DIR}/debian/conffiles)
file(WRITE ${_conffiles}
     "${_etc}/audit/plugins.d/audisp-eql.conf\n"
     "${_etc}/audisp-eql/audisp-eql.conf\n"
     "${_etc}/audit/rules.d/audisp-eql.rules\n")
# Maintainer scripts (packaging/deb): reload auditd on install and removal when it runs (never
# failing the install), set the plugin entry and audit rules aside on remove so that auditd
# neither starts a removed binary nor keeps its rules, delete the configuration on purge.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${_conffiles}
    ${PROJECT_SOURCE_DIR}/packaging/deb/preinst ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
