-- Drives Neovim (headless, Debian's 0.7 or later) as a real client of `promo lsp`: open a file,
-- wait for the server's diagnostics, format the buffer through the server, save, and write what
-- happened to $PROMO_OUT. Used by tests/neovim.rs.
local bin, path, out = os.getenv("PROMO_BIN"), os.getenv("PROMO_FILE"), os.getenv("PROMO_OUT")
local report = {}

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local buf = vim.api.nvim_get_current_buf()
  local client = vim.lsp.start_client({
    name = "promo",
    cmd = { bin, "lsp" },
    root_dir = vim.fn.fnamemodify(path, ":h"),
  })
  vim.lsp.buf_attach_client(buf, client)
  local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  table.insert(report, "diagnostics " .. tostring(got))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(report, string.format("diagnostic %d:%d %s", d.lnum, d.col, (d.message:gsub("\n", " "))))
  end
  if vim.lsp.buf.format then
    vim.lsp.buf.format({ timeout_ms = 10000 })
  else
    vim.lsp.buf.formatting_sync(nil, 10000)
  end
  vim.cmd("write")
  table.insert(report, "formatted")
end)
if not ok then
  table.insert(report, "error " .. tostring(err))
end
vim.fn.writefile(report, out)
vim.cmd("qa!")
