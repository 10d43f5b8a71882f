# Writes OUTPUT, a header defining CRUNLITE_COMMIT as `git describe` of
# SOURCE_DIR ("-dirty" when tracked files differ from HEAD), or "unknown"
# without git or a repository. Run at every build; the header is rewritten
# only when the text changes, so an unchanged tree recompiles nothing.
# Read-only git commands only (describe --dirty would refresh the index).
set(ENV{GIT_OPTIONAL_LOCKS} 0)
set(commit "unknown")
find_program(GIT_EXECUTABLE git)
if(GIT_EXECUTABLE)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} describe --always --tags
                  OUTPUT_VARIABLE described RESULT_VARIABLE failed
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT failed AND described)
    set(commit "${described}")
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} diff-index --quiet HEAD --
                    RESULT_VARIABLE dirty OUTPUT_QUIET ERROR_QUIET)
    if(dirty)
      set(commit "${commit}-dirty")
    endif()
  endif()
endif()
set(text "#define CRUNLITE_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
