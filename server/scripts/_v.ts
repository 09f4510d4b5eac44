import { detectUrgency } from '../src/classification/urgency';
for (const t of ['不是开玩笑，真的着火了','楼道里有很浓的煤气味，好像燃气泄漏了','自来水总管爆管了，马路都淹了','外墙瓷砖脱落砸到了人行道上','上周煤气味处理过，今天又闻到很浓的煤气味','真着火了怎么办','一点煤气味都没有']) console.log(t, JSON.stringify(detectUrgency(t)));
