# tickwire_warnings(target): the project's warning set, applied per target.
function(tickwire_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
endfunction()
