// Stands in for react-devtools-core in the single-file build: ink only loads it when DEV is set.
export default { initialize() {}, connectToDevTools() {} };
export const initialize = () => {};
export const connectToDevTools = () => {};
