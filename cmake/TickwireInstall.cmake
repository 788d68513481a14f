# install/export: filled in
