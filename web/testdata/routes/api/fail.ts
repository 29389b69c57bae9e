export const handler = () => {
  throw new Error("connection to db failed: password=hunter2");
};
