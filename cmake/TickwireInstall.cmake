# Install and export tickwire, so another CMake project can write
#
#   find_package(tickwire CONFIG REQUIRED)
#   target_link_libraries(app PRIVATE tickwire::net)
#
# after `cmake --install build --prefix <prefix>` (and CMAKE_PREFIX_PATH=<prefix>).
# Included last from the top-level CMakeLists.txt, when every target exists.
#
# The web build (Emscripten) installs the same way and gives the web package:
# the same two lines in an Emscripten project, which links with no flag of its
# own (tickwire::net carries -fexceptions and -lwebsocket.js). A package only
# links for the platform it was built for; its config says so if misused.
include(CMakePackageConfigHelpers)

set(TICKWIRE_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/tickwire)

# The exported modules: target tickwire_<module>, public headers in <module>/include/.
# To export another module, add it here once its target exists, e.g.
#   if(TARGET tickwire_engine)  list(APPEND _tw_modules engine)  endif()
# (schemas' generated headers live in the build tree: installed from there below.)
# schemas is exported because net links it (session mode); net's public headers
# include none of it.
set(_tw_modules schemas net)

install(DIRECTORY ${TICKWIRE_SCHEMAS_GENERATED_DIR}/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT tickwire_dev)
if(EMSCRIPTEN)
  # FlatBuffers' header-only runtime the web build compiled with (schemas/CMakeLists.txt).
  install(DIRECTORY ${TICKWIRE_WEB_INCLUDE_DIR}/flatbuffers
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT tickwire_dev)
  set(TICKWIRE_PACKAGE_WEB TRUE)
else()
  set(TICKWIRE_PACKAGE_WEB FALSE)
endif()

set(_tw_targets "")
foreach(_tw_module IN LISTS _tw_modules)
  list(APPEND _tw_targets tickwire_${_tw_module})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${_tw_module}/include/
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT tickwire_dev)
endforeach()

install(TARGETS ${_tw_targets} EXPORT tickwireTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT tickwire_dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT tickwire_runtime
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tickwire_runtime)
# (Each module's target names its own $<INSTALL_INTERFACE:include> directory.)

install(EXPORT tickwireTargets
  NAMESPACE tickwire::
  DESTINATION ${TICKWIRE_INSTALL_CMAKEDIR}
  COMPONENT tickwire_dev)

# The command-line tools, when this build has them.
foreach(_tw_tool IN ITEMS tickwire-echo tickwire-cat)
  if(TARGET ${_tw_tool})
    install(TARGETS ${_tw_tool} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT tickwire_runtime)
  endif()
endforeach()

# The config file must find_dependency() every imported target the exported link
# interfaces name. A static library's PRIVATE dependencies are exported too, as
# $<LINK_ONLY:...>, so the consumer needs them to exist (OpenSSL::SSL to link).
# Dependencies wrapped in $<BUILD_INTERFACE:...> are not exported and need nothing;
# header-only Boost belongs there, so consumers don't need Boost installed.
# Derived from the targets, so the list stays right as modules change.
set(_tw_find_threads "find_dependency(Threads)")
set(_tw_find_OpenSSL "find_dependency(OpenSSL)")
set(_tw_find_Boost "find_dependency(Boost 1.81 CONFIG)")
set(_tw_find_SDL2 "find_dependency(SDL2 CONFIG)")
set(_tw_find_SDL2_ttf "find_dependency(SDL2_ttf CONFIG)")
# Debian's libflatbuffers-dev names its package FlatBuffers (FlatBuffersConfig.cmake).
set(_tw_find_flatbuffers "find_dependency(FlatBuffers CONFIG)")

set(_tw_packages "")
foreach(_tw_target IN LISTS _tw_targets)
  get_target_property(_tw_link ${_tw_target} INTERFACE_LINK_LIBRARIES)
  if(NOT _tw_link)
    continue()
  endif()
  # Drop build-only entries (non-nested genex, which is what target_link_libraries writes).
  string(REGEX REPLACE "\\$<BUILD_INTERFACE:[^>]*>" "" _tw_link "${_tw_link}")
  string(REGEX MATCHALL "[A-Za-z0-9_]+::" _tw_namespaces "${_tw_link}")
  foreach(_tw_ns IN LISTS _tw_namespaces)
    string(REPLACE "::" "" _tw_ns "${_tw_ns}")
    string(TOLOWER "${_tw_ns}" _tw_ns_lower)
    if(_tw_ns_lower STREQUAL "tickwire")
      continue()  # our own targets, defined by tickwireTargets.cmake
    elseif(_tw_ns_lower STREQUAL "threads")
      set(_tw_ns threads)
    endif()
    if(NOT DEFINED _tw_find_${_tw_ns})
      message(FATAL_ERROR "tickwire install: ${_tw_target} exports a dependency on ${_tw_ns}:: "
        "but cmake/TickwireInstall.cmake has no find_dependency() for it: add _tw_find_${_tw_ns}")
    endif()
    list(APPEND _tw_packages ${_tw_ns})
  endforeach()
endforeach()
list(REMOVE_DUPLICATES _tw_packages)
set(TICKWIRE_FIND_DEPENDENCIES "")
foreach(_tw_pkg IN LISTS _tw_packages)
  string(APPEND TICKWIRE_FIND_DEPENDENCIES "${_tw_find_${_tw_pkg}}\n")
endforeach()

configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/tickwireConfig.cmake.in
  ${PROJECT_BINARY_DIR}/tickwireConfig.cmake
  INSTALL_DESTINATION ${TICKWIRE_INSTALL_CMAKEDIR})
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/tickwireConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)  # 0.x: minor versions may break the API
install(FILES
  ${PROJECT_BINARY_DIR}/tickwireConfig.cmake
  ${PROJECT_BINARY_DIR}/tickwireConfigVersion.cmake
  DESTINATION ${TICKWIRE_INSTALL_CMAKEDIR}
  COMPONENT tickwire_dev)
