/** @type {import('prettier').Config} */
// The layout OCA's addons use: XML through @prettier/plugin-xml, whitespace in
// XML kept as written (it can be meaningful in views and QWeb templates).
const config = {
    plugins: [require.resolve("@prettier/plugin-xml")],
    bracketSpacing: false,
    printWidth: 88,
    proseWrap: "always",
    semi: true,
    trailingComma: "es5",
    xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
