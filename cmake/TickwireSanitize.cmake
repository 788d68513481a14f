# -DTICKWIRE_SANITIZE=address,undefined  or  -DTICKWIRE_SANITIZE=thread
# Applied globally so every target (and the tests) share one runtime.
if(TICKWIRE_SANITIZE)
  string(REPLACE ";" "," _tw_san "${TICKWIRE_SANITIZE}")
  message(STATUS "tickwire: sanitizers ${_tw_san}")
  add_compile_options(-fsanitize=${_tw_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_tw_san})
  add_compile_definitions(TICKWIRE_SANITIZED=1)
endif()
